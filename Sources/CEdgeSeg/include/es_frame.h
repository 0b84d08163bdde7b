// Camera frames to packed 8-bit RGB: the formats a webcam or the vivid test driver delivers.
#ifndef ES_FRAME_H
#define ES_FRAME_H
#include <stddef.h>
#include <stdint.h>

// Converts one frame of `fourcc` (ES_FOURCC_YUYV, _NV12, _I420, _RGB24, _BGR24 from es_camera.h; MJPEG frames
// are JPEG files: es_jpeg_decode_rgb) at
// width x height, rows `bytes_per_line` apart (0: packed), to width*height*3 bytes of RGB in `rgb`.
// YUV is BT.601 limited range (as webcams send it and libv4lconvert reads it). `swap_rb` exchanges R and B
// afterwards (a BGR source that says RGB, as the Pi camera through libcamerify does).
// Returns 0, or -1 with a message in err (unknown format, a frame shorter than its format needs).
int es_frame_to_rgb(uint32_t fourcc, const uint8_t *data, size_t size, uint32_t width, uint32_t height,
                    uint32_t bytes_per_line, int swap_rb, uint8_t *rgb, char err[256]);

// The bytes of one packed frame (rows without padding) of `fourcc` at width x height, as a raw-video pipe
// (ffmpeg -f rawvideo, rpicam-vid --codec yuv420) sends it; 0 for a format without a fixed size (MJPEG).
size_t es_frame_size(uint32_t fourcc, uint32_t width, uint32_t height);

#endif
