#!/usr/bin/env python3
"""Segments one picture with EdgeSeg: a PNG/JPEG file, or a numpy array saved with np.save (H x W x 3 RGB, or
(H * 3 / 2) x W YUV with --format i420/nv12). Prints each class's share; --output writes the class map (np.save).

    python3 segment_image.py --model model.edgeseg --input street.png [--size 512x512] [--output classes.npy]
"""
import argparse

import numpy as np

import edgeseg


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help=".edgeseg model file")
    parser.add_argument("--input", required=True, help="PNG/JPEG file or .npy array")
    parser.add_argument("--format", default="rgb24", choices=sorted(edgeseg.FORMATS), help="the .npy array's layout")
    parser.add_argument("--size", help="WIDTHxHEIGHT the model runs at (default: the picture's)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--output", help="where to np.save the class map (uint8, the picture's size)")
    args = parser.parse_args()

    frame = np.load(args.input) if args.input.endswith(".npy") else edgeseg.read_image(args.input)
    size = tuple(int(side) for side in args.size.lower().split("x")) if args.size else None
    with edgeseg.Segmenter(args.model, threads=args.threads, input_size=size) as seg:
        classes = seg.segment(frame, format=args.format if args.input.endswith(".npy") else "rgb24")
        for name, share in sorted(seg.shares().items(), key=lambda item: -item[1]):
            if share > 0:
                print(f"{name:14s} {100 * share:5.1f} %")
    if args.output:
        np.save(args.output, classes)


if __name__ == "__main__":
    main()
