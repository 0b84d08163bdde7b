// The pixel budget every decoder checks from the header, before it allocates or decodes anything: a file of
// a few hundred bytes can claim 30000x30000 pixels (2.7 GB of RGB).
#include "es_image.h"

#include <stdio.h>

int es_image_check_size(uint64_t width, uint64_t height, uint64_t max_pixels, char err[ES_IMAGE_ERROR_SIZE]) {
    if (width == 0 || height == 0) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "the image is %llux%llu: it has no pixels", (unsigned long long)width,
                 (unsigned long long)height);
        return -1;
    }
    // width and height come from 32-bit header fields, so the product fits.
    if (width * height > max_pixels) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "the image is %llux%llu (%llu pixels), more than the limit of %llu pixels (--max-pixels)",
                 (unsigned long long)width, (unsigned long long)height, (unsigned long long)(width * height),
                 (unsigned long long)max_pixels);
        return -1;
    }
    return 0;
}
