// PNG and JPEG codecs over libpng and libjpeg. Decoding reads from memory (the caller maps the file);
// encoding writes to a malloc'd buffer. libpng and libjpeg report errors by longjmp back into these
// functions, never by exiting: every failure returns -1 with a message in `err`.
#ifndef ES_IMAGE_H
#define ES_IMAGE_H
#include <stddef.h>
#include <stdint.h>

// Room for any message these functions write.
#define ES_IMAGE_ERROR_SIZE 256

// A decoded image: `channels` interleaved 8-bit samples per pixel, rows packed (stride = width * channels).
// `pixels` is malloc'd: release it with es_image_free.
typedef struct {
    int width;
    int height;
    int channels;
    uint8_t *pixels;
} es_image;

// The default pixel budget: 8192x8192 (64 Mpixel, 192 MB of RGB), what a Raspberry Pi 4 with 1 GB can decode.
#define ES_IMAGE_DEFAULT_MAX_PIXELS ((uint64_t)8192 * 8192)

// 0 if a width x height image (each below 2^32) has pixels and at most max_pixels of them; else -1 with a
// message in err that says the image's size and the limit. Every decoder below checks it from the header,
// before allocating anything.
int es_image_check_size(uint64_t width, uint64_t height, uint64_t max_pixels, char err[ES_IMAGE_ERROR_SIZE]);

// Decodes any PNG (1..16 bit; gray, gray+alpha, RGB, RGBA, palette, tRNS; interlaced) to 8-bit RGB:
// 16-bit samples are scaled with rounding, gray is replicated, palette entries are looked up, alpha is
// dropped. An image of more than max_pixels pixels is refused. Returns 0, or -1 with a message in err.
int es_png_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]);

// Decodes a single-channel PNG as raw 8-bit values, never colour-converted: the gray value (1, 2 and
// 4-bit samples unpacked, not rescaled) or the palette index. Gray+alpha drops the alpha. RGB, RGBA and
// 16-bit files are refused with a message saying why.
int es_png_decode_values(const uint8_t *data, size_t size, uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]);

// Decodes a JPEG (baseline or progressive; gray, YCbCr or RGB) to 8-bit RGB with libjpeg's default
// (accurate integer) IDCT and fancy upsampling, as PIL does. A file that ends early is an error.
int es_jpeg_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]);

// The same, decoded smaller where libjpeg's DCT scaling allows (n/8, n = 1..8): the smallest scale whose
// output is still at least min_width x min_height (0, 0: full size). A camera frame decoded toward the model's
// input size costs a fraction of the full decode and of the resize after it. max_pixels bounds the file's own
// size, checked from its header before anything is decoded.
int es_jpeg_decode_rgb_scaled(const uint8_t *data, size_t size, unsigned min_width, unsigned min_height,
                              uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]);

// Splits a stream of concatenated JPEG files (MJPEG on a pipe). Looks at the bytes from a frame's start:
// > 0: a whole JPEG (SOI to EOI) of that many bytes; 0: not complete yet (read more); < 0: the first -n bytes
// are not a whole frame (garbage before an SOI, or a frame cut short by the next SOI): skip them, count them
// as one corrupt frame.
long es_jpeg_frame_length(const uint8_t *data, size_t size);

// What an encoded PNG holds per pixel.
typedef enum {
    ES_PNG_GRAY8 = 1,    // one gray byte
    ES_PNG_RGB8 = 3,     // three bytes R, G, B
    ES_PNG_PALETTE8 = 2, // one palette index; every index must be below palette_count
} es_png_format;

// An encoded file: malloc'd bytes, release with es_image_free.
typedef struct {
    uint8_t *bytes;
    size_t size;
} es_encoded;

// Encodes packed rows as an 8-bit PNG. `palette` (palette_count RGB triples, 1..256) is used only by
// ES_PNG_PALETTE8. Returns 0, or -1 with a message in err.
int es_png_encode(const uint8_t *pixels, int width, int height, es_png_format format,
                  const uint8_t *palette, int palette_count, es_encoded *out, char err[ES_IMAGE_ERROR_SIZE]);

void es_image_free(void *p);

#endif
