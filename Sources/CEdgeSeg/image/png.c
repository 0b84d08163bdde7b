// PNG decode and encode over libpng. libpng reports errors through es_png_error, which copies the
// message and longjmps back to the setjmp in the calling function: nothing ever aborts or prints.
#include "es_image.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void es_png_error(png_structp png, png_const_charp message) {
    char *err = (char *)png_get_error_ptr(png);
    snprintf(err, ES_IMAGE_ERROR_SIZE, "%s", message);
    png_longjmp(png, 1);
}

// Warnings (a bad ancillary chunk, an odd gamma) do not stop decoding and are not worth a word.
static void es_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t pos;
} es_png_source;

static void es_png_read(png_structp png, png_bytep out, size_t count) {
    es_png_source *src = (es_png_source *)png_get_io_ptr(png);
    if (src->size - src->pos < count) png_error(png, "truncated: the file ends early");
    memcpy(out, src->data + src->pos, count);
    src->pos += count;
}

void es_image_free(void *p) { free(p); }

// Sets up libpng's transformations so every row comes out as `channels` 8-bit samples per pixel.
static int es_png_request_rgb(png_structp png, int color_type, int bit_depth) {
    if (bit_depth == 16) png_set_scale_16(png); // v * 255 / 65535 rounded to nearest (strip_16 would truncate)
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (!(color_type & PNG_COLOR_MASK_COLOR)) {
        if (bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
        png_set_gray_to_rgb(png);
    }
    png_set_strip_alpha(png); // also the alpha that a palette's tRNS expands to
    return 3;
}

static int es_png_request_values(png_structp png, int color_type, int bit_depth) {
    if (color_type == PNG_COLOR_TYPE_RGB || color_type == PNG_COLOR_TYPE_RGB_ALPHA)
        png_error(png, "colour (RGB) image: a label image must be grayscale or palette, one class index per pixel");
    if (bit_depth == 16)
        png_error(png, "16-bit samples: a label image must hold 8-bit class indices (grayscale or palette)");
    if (bit_depth < 8) png_set_packing(png); // one byte per value, not rescaled
    if (color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_strip_alpha(png);
    return 1;
}

static int es_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, int values, es_image *out, char *err) {
    memset(out, 0, sizeof *out);
    err[0] = 0;
    if (png_sig_cmp(data, 0, size < 8 ? size : 8) != 0) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "not a PNG file");
        return -1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, err, es_png_error, es_png_warning);
    if (png == NULL) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(pixels);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        return -1;
    }
    if (info == NULL) png_error(png, "out of memory");
    es_png_source src = {data, size, 0};
    png_set_read_fn(png, &src, es_png_read);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    if (es_image_check_size(width, height, max_pixels, err) != 0) png_longjmp(png, 1);
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    int channels = values ? es_png_request_values(png, color_type, bit_depth)
                          : es_png_request_rgb(png, color_type, bit_depth);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t stride = (size_t)width * (size_t)channels;
    if (png_get_rowbytes(png, info) != stride) png_error(png, "unexpected row size after conversion to 8 bit");
    if ((size_t)height > SIZE_MAX / stride) png_error(png, "image too large");
    pixels = (uint8_t *)malloc(stride * height);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (pixels == NULL || rows == NULL) png_error(png, "out of memory for the decoded image");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + stride * y;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->width = (int)width;
    out->height = (int)height;
    out->channels = channels;
    out->pixels = pixels;
    return 0;
}

int es_png_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]) {
    return es_png_decode(data, size, max_pixels, 0, out, err);
}

int es_png_decode_values(const uint8_t *data, size_t size, uint64_t max_pixels, es_image *out, char err[ES_IMAGE_ERROR_SIZE]) {
    return es_png_decode(data, size, max_pixels, 1, out, err);
}

typedef struct {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
} es_png_sink;

static void es_png_write(png_structp png, png_bytep data, size_t count) {
    es_png_sink *sink = (es_png_sink *)png_get_io_ptr(png);
    if (sink->capacity - sink->size < count) {
        size_t capacity = sink->capacity ? sink->capacity : 4096;
        while (capacity - sink->size < count) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(sink->bytes, capacity);
        if (grown == NULL) png_error(png, "out of memory for the encoded file");
        sink->bytes = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->bytes + sink->size, data, count);
    sink->size += count;
}

static void es_png_flush(png_structp png) { (void)png; }

int es_png_encode(const uint8_t *pixels, int width, int height, es_png_format format,
                  const uint8_t *palette, int palette_count, es_encoded *out, char err[ES_IMAGE_ERROR_SIZE]) {
    out->bytes = NULL;
    out->size = 0;
    err[0] = 0;
    int channels = format == ES_PNG_RGB8 ? 3 : 1;
    size_t stride = (size_t)width * (size_t)channels;
    if (width <= 0 || height <= 0) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "cannot encode a %dx%d image", width, height);
        return -1;
    }
    if (format == ES_PNG_PALETTE8) {
        if (palette_count < 1 || palette_count > 256) {
            snprintf(err, ES_IMAGE_ERROR_SIZE, "a PNG palette holds 1 to 256 colours, not %d", palette_count);
            return -1;
        }
        size_t count = stride * (size_t)height;
        for (size_t i = 0; i < count; i++) {
            if (pixels[i] >= palette_count) {
                snprintf(err, ES_IMAGE_ERROR_SIZE, "pixel (%zu, %zu) has index %d but the palette has %d colours",
                         i % stride, i / stride, pixels[i], palette_count);
                return -1;
            }
        }
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, es_png_error, es_png_warning);
    if (png == NULL) {
        snprintf(err, ES_IMAGE_ERROR_SIZE, "out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    es_png_sink sink = {NULL, 0, 0};
    es_png_sink *volatile sink_ref = &sink;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(sink_ref->bytes);
        png_destroy_write_struct(&png, info ? &info : NULL);
        return -1;
    }
    if (info == NULL) png_error(png, "out of memory");
    png_set_write_fn(png, &sink, es_png_write, es_png_flush);
    int color_type = format == ES_PNG_RGB8 ? PNG_COLOR_TYPE_RGB
                   : format == ES_PNG_GRAY8 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_PALETTE;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (format == ES_PNG_PALETTE8) {
        png_color colors[256];
        for (int i = 0; i < palette_count; i++) {
            colors[i].red = palette[3 * i];
            colors[i].green = palette[3 * i + 1];
            colors[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(png, info, colors, palette_count);
    }
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (rows == NULL) png_error(png, "out of memory");
    for (int y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + stride * (size_t)y);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);

    free(rows);
    png_destroy_write_struct(&png, &info);
    out->bytes = sink.bytes;
    out->size = sink.size;
    return 0;
}
