"""Draw bundles from the command line.

    .venv/bin/python -m samples.draw --seed 1 --count 5 --out samples/build/drawn [--programme city-2025] [--defect none]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from samples.draw.bundle import PROGRAMMES, draw_bundle


def main() -> None:
    parser = argparse.ArgumentParser(description="Draw seeded bundles with their expected.json.")
    parser.add_argument("--seed", type=int, default=1, help="first seed")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "build" / "drawn")
    parser.add_argument("--programme", choices=PROGRAMMES, help="default: drawn per seed")
    parser.add_argument("--defect", default="random", help="random (default), none, or a rule id")
    args = parser.parse_args()
    defect = None if args.defect == "none" else args.defect
    for seed in range(args.seed, args.seed + args.count):
        print(draw_bundle(seed, args.out, programme=args.programme, defect=defect))


if __name__ == "__main__":
    main()
