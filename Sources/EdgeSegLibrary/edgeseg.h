// libedgeseg: SegFormer segmentation for C, C++, Python (ctypes) and any language with a C FFI.
// Link: libedgeseg.a (static; add -lpng16 -ljpeg -lz -lm -lpthread) or libedgeseg.so (shared).
//
//   edgeseg *seg;
//   char message[256];
//   if (edgeseg_open("model.edgeseg", 2, &seg, message, sizeof message) != EDGESEG_OK) { puts(message); ... }
//   edgeseg_set_input_size(seg, 320, 240);                 // optional: the model's input size
//   uint8_t *classes = malloc(640 * 480);
//   for (;;) {                                              // each frame: no allocation inside
//       edgeseg_segment(seg, frame, 640, 480, 0, EDGESEG_I420, classes, 640, 480);
//       ... classes[y * 640 + x] is the class of pixel (x, y): edgeseg_class_name(seg, classes[i])
//   }
//   edgeseg_close(seg);
//
// Thread safety: a handle is used by one thread at a time (it owns the model's working memory and its
// worker threads); open one handle per thread to segment on several threads at once. Handles share nothing.
// Memory: open, set_input_size and the first frame of a new size allocate; after that segment, class_shares
// and the accessors allocate nothing.
#ifndef EDGESEG_H
#define EDGESEG_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct edgeseg edgeseg;

// What a call returns. The handle's edgeseg_error() says more (open: its message buffer).
typedef enum {
    EDGESEG_OK = 0,
    EDGESEG_ERROR_ARGUMENT = 1, // a NULL pointer, a size below 1, an unknown pixel format, a stride too small
    EDGESEG_ERROR_FILE = 2,     // the model file cannot be opened or read
    EDGESEG_ERROR_MODEL = 3,    // not a model this library runs (wrong file kind, broken, > 256 classes)
    EDGESEG_ERROR_IMAGE = 4,    // the frame cannot be converted (shorter than its format needs)
} edgeseg_status;

// The layout of a frame's bytes. `stride` is the bytes from one row to the next (0: packed rows); for the planar
// formats it is the luma row's, the chroma rows have half (I420) or the same (NV12) stride, the planes follow
// each other without gaps.
typedef enum {
    EDGESEG_RGB24 = 0, // R, G, B bytes per pixel (numpy HxWx3 uint8, PIL, OpenCV after cvtColor)
    EDGESEG_BGR24 = 1, // B, G, R (OpenCV's default, picamera2's "RGB888")
    EDGESEG_I420 = 2,  // planar YUV 4:2:0: Y, then U, then V at half size (rpicam-vid --codec yuv420, "YUV420")
    EDGESEG_NV12 = 3,  // Y, then interleaved U V at half size
} edgeseg_pixel_format;

// Opens an int8, mixed-precision or float32 .edgeseg model to run on `threads` threads (the caller's included;
// 1 or more). On EDGESEG_OK *handle is set; otherwise a message naming the file and the problem is written to
// `message` (NUL-terminated, cut to message_size; message may be NULL).
edgeseg_status edgeseg_open(const char *model_path, int threads, edgeseg **handle, char *message, size_t message_size);

// The size the model runs at (each frame is resized to it); 0, 0: each frame's own size (the default). Plans and
// allocates the model's working memory for that size now, so the first frame does not.
edgeseg_status edgeseg_set_input_size(edgeseg *handle, int width, int height);

// Segments one frame of width x height in `format` and writes the class index of every pixel of a
// map_width x map_height class map (row-major, one byte each) into `class_map`: pass the frame's size for a
// mask over the frame, or the input size for the model's own resolution. Allocates nothing once a frame of this
// size and input size has been segmented.
edgeseg_status edgeseg_segment(edgeseg *handle, const uint8_t *frame, int width, int height, int stride,
                               edgeseg_pixel_format format, uint8_t *class_map, int map_width, int map_height);

// The share (0..1) of each class in the last class map, into shares[0 .. count-1] (count up to the class count).
// Returns the number written.
int edgeseg_class_shares(const edgeseg *handle, float *shares, int count);

// The model's classes: how many, and each one's name (valid until edgeseg_close; NULL for an index out of range).
int edgeseg_class_count(const edgeseg *handle);
const char *edgeseg_class_name(const edgeseg *handle, int index);

// The message of the last call on this handle that failed ("" if none has); valid until the next call.
const char *edgeseg_error(const edgeseg *handle);

// Reads a PNG or JPEG file as RGB24 (rows packed) into `rgb` and sets *width and *height. With rgb NULL or
// `capacity` below width * height * 3, only the size is set and EDGESEG_ERROR_ARGUMENT returned: allocate, call
// again. For programs without an image library (the Python examples). Errors: a message in `message`.
edgeseg_status edgeseg_read_image(const char *path, uint8_t *rgb, size_t capacity, int *width, int *height,
                                  char *message, size_t message_size);

// Stops the worker threads and releases everything. NULL is ignored.
void edgeseg_close(edgeseg *handle);

#ifdef __cplusplus
}
#endif
#endif
