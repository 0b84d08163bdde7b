#!/usr/bin/env python3
"""Live segmentation of a Raspberry Pi Camera Module with picamera2 (Raspberry Pi OS: apt install python3-picamera2):
each frame from capture_array() goes to EdgeSeg as it is (no copy: picamera2's "RGB888" is B, G, R bytes per
pixel), and the shares of the classes are printed once a second.

    python3 picamera2_live.py --model model.edgeseg [--size 320x240] [--threads 4]
"""
import argparse
import time

import numpy as np
from picamera2 import Picamera2

import edgeseg


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--size", default="320x240", help="WIDTHxHEIGHT the model runs at")
    parser.add_argument("--capture", default="640x480", help="WIDTHxHEIGHT of the camera frames")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    capture = tuple(int(side) for side in args.capture.lower().split("x"))
    size = tuple(int(side) for side in args.size.lower().split("x"))

    camera = Picamera2()
    camera.configure(camera.create_video_configuration(main={"format": "RGB888", "size": capture}))
    camera.start()
    classes = np.empty((capture[1], capture[0]), dtype=np.uint8)   # reused: the loop allocates no class maps
    frames, last = 0, time.monotonic()
    with edgeseg.Segmenter(args.model, threads=args.threads, input_size=size) as seg:
        while True:
            frame = camera.capture_array()          # H x W x 3, B G R
            seg.segment(frame, format="bgr24", out=classes)
            frames += 1
            if time.monotonic() - last >= 1:
                top = sorted(seg.shares().items(), key=lambda item: -item[1])[:4]
                print(f"{frames / (time.monotonic() - last):.1f} fps | " + ", ".join(f"{n} {100 * s:.0f} %" for n, s in top))
                frames, last = 0, time.monotonic()


if __name__ == "__main__":
    main()
