// EdgeSegEval: accuracy metrics and labeled data sets (host side).
