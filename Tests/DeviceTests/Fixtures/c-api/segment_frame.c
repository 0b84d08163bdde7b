// The C API (edgeseg.h) as a C program uses it, for CAPITests: opens MODEL, segments one frame read from
// FRAME (raw bytes in FORMAT at WIDTHxHEIGHT) into a class map at the frame's size, writes the map to MAP
// (raw bytes) and prints each class's share; then segments the frame 20 more times counting heap allocations
// (allocation_counter.c, linked in) and prints "allocations in 20 frames: N"; then checks the error paths.
//
//   segment_frame MODEL FRAME FORMAT WIDTHxHEIGHT MAP [INPUT_WIDTHxINPUT_HEIGHT] [THREADS]
//   FORMAT: rgb24, bgr24, i420, nv12. Exit status 0 when every call did what edgeseg.h says.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocation_counter.h"
#include "edgeseg.h"

static int fail(const char *what, const char *message) {
    fprintf(stderr, "segment_frame: %s: %s\n", what, message);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 6) return fail("usage", "segment_frame MODEL FRAME FORMAT WIDTHxHEIGHT MAP [INPUT_WxH] [THREADS]");
    const char *formats[] = {"rgb24", "bgr24", "i420", "nv12"};
    int format = -1;
    for (int i = 0; i < 4; i++) if (strcmp(argv[3], formats[i]) == 0) format = i;
    int width = 0, height = 0, input_width = 0, input_height = 0;
    if (format < 0 || sscanf(argv[4], "%dx%d", &width, &height) != 2) return fail("arguments", "bad FORMAT or size");
    if (argc > 6 && sscanf(argv[6], "%dx%d", &input_width, &input_height) != 2) return fail("arguments", "bad input size");
    int threads = argc > 7 ? atoi(argv[7]) : 1;

    FILE *f = fopen(argv[2], "rb");
    if (!f) return fail(argv[2], "cannot open");
    static uint8_t frame[16 << 20];
    size_t frame_size = fread(frame, 1, sizeof frame, f);
    fclose(f);
    uint8_t *map = malloc((size_t)width * height);

    allocation_tracking_begin();
    allocation_tracking_new_threads(1); // the handle's worker threads
    edgeseg *seg = NULL;
    char message[256];
    edgeseg_status rc = edgeseg_open(argv[1], threads, &seg, message, sizeof message);
    if (rc != EDGESEG_OK) return fail("edgeseg_open", message);
    if (edgeseg_set_input_size(seg, input_width, input_height) != EDGESEG_OK) return fail("edgeseg_set_input_size", edgeseg_error(seg));
    if (edgeseg_segment(seg, frame, width, height, 0, (edgeseg_pixel_format)format, map, width, height) != EDGESEG_OK)
        return fail("edgeseg_segment", edgeseg_error(seg));
    allocation_tracking_new_threads(0);
    printf("frame: %zu bytes, %s %dx%d\n", frame_size, argv[3], width, height);

    f = fopen(argv[5], "wb");
    if (!f || fwrite(map, 1, (size_t)width * height, f) != (size_t)width * height) return fail(argv[5], "cannot write");
    fclose(f);
    float shares[256];
    int classes = edgeseg_class_count(seg);
    int n = edgeseg_class_shares(seg, shares, 256);
    if (n != classes) return fail("edgeseg_class_shares", "did not fill every class");
    for (int c = 0; c < n; c++) printf("class %d %s %.6f\n", c, edgeseg_class_name(seg, c), shares[c]);

    allocation_counting(1);
    for (int i = 0; i < 20; i++) {
        if (edgeseg_segment(seg, frame, width, height, 0, (edgeseg_pixel_format)format, map, width, height) != EDGESEG_OK) break;
        edgeseg_class_shares(seg, shares, 256);
    }
    allocation_counting(0);
    printf("allocations in 20 frames: %ld\n", allocation_count());
    // The counter does count: a new frame size (a new RGB buffer, at the frame's own input size a new session) allocates.
    allocation_counting(1);
    edgeseg_segment(seg, frame, width / 2, height / 2, 0, (edgeseg_pixel_format)format, map, width / 2, height / 2);
    allocation_counting(0);
    printf("allocations for a new frame size: %ld\n", allocation_count());
    allocation_tracking_end();

    // The error paths: codes and messages.
    if (edgeseg_segment(seg, frame, width, height, 0, (edgeseg_pixel_format)9, map, width, height) != EDGESEG_ERROR_ARGUMENT
        || strstr(edgeseg_error(seg), "pixel format 9") == NULL) return fail("unknown format", edgeseg_error(seg));
    if (edgeseg_segment(seg, frame, width, height, 0, (edgeseg_pixel_format)format, map, width, height) != EDGESEG_OK
        || edgeseg_error(seg)[0] != 0) return fail("a call after a failure", "did not succeed with an empty message");
    if (edgeseg_class_name(seg, classes) != NULL) return fail("edgeseg_class_name", "an index out of range gave a name");
    edgeseg_close(seg);
    edgeseg *missing = NULL;
    rc = edgeseg_open("/nonexistent/model.edgeseg", 1, &missing, message, sizeof message);
    if (rc != EDGESEG_ERROR_FILE || missing != NULL || strstr(message, "/nonexistent/model.edgeseg") == NULL)
        return fail("opening a missing file", message);
    printf("missing model: %s\n", message);
    free(map);
    return 0;
}
