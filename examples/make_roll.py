"""Write the demo's simulated member roll (9,500 voting members in 18 branches, plus 500
emeritus and associate members) as CSV, for `shortlist edition load`.

    python examples/make_roll.py > roll.csv
    python examples/make_roll.py --seed 7 --voting 2000 > small-roll.csv
"""

from __future__ import annotations

import argparse
import sys

from shortlist.domain.roll import write_roll
from shortlist.service.demo_data import roll


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=95, help="seed of the simulation (95)")
    parser.add_argument("--voting", type=int, default=9_500, help="voting members (9,500)")
    parser.add_argument("--others", type=int, default=500, help="non-voting members (500)")
    args = parser.parse_args()
    sys.stdout.write(write_roll(roll(args.seed, args.voting, args.others)))


if __name__ == "__main__":
    main()
