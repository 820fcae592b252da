"""The awards domain: plain dataclasses and pure rules of an edition.

An edition has branches, a member roll, categories with entries (and their credits) and, per
category, a chain of rounds. Everything here is pure: no database, no clock (instants are passed
in), no hidden randomness (a drawn committee has its seed). The store keeps these objects; the
services apply these rules.
"""
