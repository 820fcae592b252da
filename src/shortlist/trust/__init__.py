"""Pure cryptography and verification: election keys, custodians' shares, sealed ballots,
the record's hashes and signatures. No database, no clock, no web (imports domain, formats,
methods and PyNaCl only)."""
