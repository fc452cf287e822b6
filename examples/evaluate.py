#!/usr/bin/python3
"""Top-1 accuracy of a model's outputs.

  evaluate.py OUTPUT.npy LABELS.npy [--reference FLOAT_LOGITS.npy]
              [--min-accuracy PERCENT] [--expect-within POINTS]

Prints the accuracy of OUTPUT (logits or scores, [N, classes]); with
--reference also the reference's accuracy and how often the two agree.
Exits non-zero when the accuracy is below --min-accuracy, or more than
--expect-within points below the reference's.

  evaluate.py --images-to-input IMAGES.npy INPUT.npy

writes the model input of uint8 images [N, H, W] (e.g.
fashion-mnist/test_images.npy): float32 [N, 1, H, W], pixels / 255."""
import argparse
import sys

import numpy as np

if len(sys.argv) > 1 and sys.argv[1] == "--images-to-input":
    if len(sys.argv) != 4:
        sys.exit("usage: evaluate.py --images-to-input IMAGES.npy INPUT.npy")
    images = np.load(sys.argv[2])
    if images.dtype != np.uint8 or images.ndim != 3:
        sys.exit("error: expected uint8 [N, H, W] images, got %s %s"
                 % (images.dtype, list(images.shape)))
    np.save(sys.argv[3], (images.astype(np.float32) / 255)[:, None])
    sys.exit(0)

parser = argparse.ArgumentParser()
parser.add_argument("output")
parser.add_argument("labels")
parser.add_argument("--reference")
parser.add_argument("--min-accuracy", type=float)
parser.add_argument("--expect-within", type=float)
args = parser.parse_args()

output = np.load(args.output)
labels = np.load(args.labels).astype(np.int64)
if output.shape[0] != labels.shape[0]:
    sys.exit("error: %d outputs for %d labels" % (output.shape[0],
                                                  labels.shape[0]))
accuracy = 100.0 * np.mean(output.argmax(1) == labels)
print("accuracy: %.2f%% (%d samples)" % (accuracy, len(labels)))
status = 0
if args.reference:
    reference = np.load(args.reference)
    ref_accuracy = 100.0 * np.mean(reference.argmax(1) == labels)
    agree = 100.0 * np.mean(reference.argmax(1) == output.argmax(1))
    print("reference accuracy: %.2f%%, same top-1 as the reference: %.2f%%"
          % (ref_accuracy, agree))
    if args.expect_within is not None and \
            accuracy < ref_accuracy - args.expect_within:
        print("error: %.2f points below the reference (allowed: %.2f)"
              % (ref_accuracy - accuracy, args.expect_within))
        status = 1
if args.min_accuracy is not None and accuracy < args.min_accuracy:
    print("error: accuracy below %.2f%%" % args.min_accuracy)
    status = 1
sys.exit(status)
