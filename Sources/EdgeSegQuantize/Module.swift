// EdgeSegQuantize: calibration from sample images and the float -> int8 quantizer (host side).
