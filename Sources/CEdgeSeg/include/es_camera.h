// A V4L2 capture device through libv4l2 (v4l2_open/v4l2_ioctl/v4l2_mmap): the ioctl sequence and the mmap
// buffers live here, in C, because the VIDIOC_* request codes are macros Swift cannot import. Policy (what
// to do on a dropped, failed or vanished frame) is the caller's.
#ifndef ES_CAMERA_H
#define ES_CAMERA_H
#include <stddef.h>
#include <stdint.h>

#define ES_CAMERA_MAX_BUFFERS 4
#define ES_CAMERA_ERROR_SIZE 256

// FourCC codes of the formats the capture path knows: the values of V4L2_PIX_FMT_* ('Y' | 'U' << 8 | ...),
// spelled out because Swift imports only plain literal macros.
#define ES_FOURCC_YUYV 0x56595559u   // 'YUYV'
#define ES_FOURCC_NV12 0x3231564Eu   // 'NV12'
#define ES_FOURCC_I420 0x32315559u   // 'YU12' (V4L2_PIX_FMT_YUV420: planar Y, then U, then V)
#define ES_FOURCC_RGB24 0x33424752u  // 'RGB3'
#define ES_FOURCC_BGR24 0x33524742u  // 'BGR3'
#define ES_FOURCC_MJPEG 0x47504A4Du  // 'MJPG'

typedef struct es_camera es_camera;

// What the driver agreed to: always read back after VIDIOC_S_FMT / S_PARM, never assumed.
typedef struct {
    char driver[16];
    char card[32];
    char input_name[32];
    int input;                 // the selected input (VIDIOC_G_INPUT), -1 if the device has none
    uint32_t fourcc;           // the format delivered to us (libv4l2 may convert the driver's into it)
    uint32_t width, height, bytes_per_line, size_image;
    uint32_t fps_numerator;    // frame rate = fps_numerator / fps_denominator; 0/0 if the device has no
    uint32_t fps_denominator;  //   VIDIOC_G_PARM (the Pi camera through libcamerify)
    int fps_was_set;           // VIDIOC_S_PARM succeeded
    uint32_t buffer_count;
} es_camera_info;

// One dequeued buffer. `data` stays valid until the buffer is requeued.
typedef struct {
    uint32_t index;
    uint32_t sequence;         // the driver's frame counter: gaps are frames the driver dropped
    int error_flag;            // V4L2_BUF_FLAG_ERROR: the data may be corrupt
    uint32_t bytes_used;
    uint64_t timestamp_ns;     // CLOCK_MONOTONIC capture time if the driver stamps monotonic, else 0
    const uint8_t *data;
} es_camera_frame;

// Opens `device`, checks it can capture and stream, selects `input` (if >= 0), negotiates `fourcc` at
// width x height, asks for `fps` (if > 0), maps `buffer_count` (3..4) buffers and starts streaming.
// Returns 0, or an errno value with a message in `error` (ENODEV/ENOENT when the device is absent).
int es_camera_open(const char *device, int input, uint32_t fourcc, uint32_t width, uint32_t height,
                   uint32_t fps, uint32_t buffer_count, es_camera **camera, es_camera_info *info,
                   char *error);

// Waits up to `timeout_ms` for a frame and dequeues it. Returns 0 (frame filled), ETIMEDOUT, EINTR (a
// signal arrived: the caller may want to stop), or the errno of the failure (EIO, ENODEV, ...).
// EAGAIN from a spurious wake-up is retried here.
int es_camera_dequeue(es_camera *camera, int timeout_ms, es_camera_frame *frame);

// Gives a dequeued buffer back to the driver. Returns 0 or an errno value.
int es_camera_requeue(es_camera *camera, uint32_t index);

// Restarts streaming after a fatal streaming error (EIO): STREAMOFF, queue every buffer, STREAMON.
// Returns 0 or an errno value.
int es_camera_restart(es_camera *camera);

// What an errno value from these functions means to the caller (Swift sees no <errno.h>):
#define ES_CAMERA_FAILED 0       // anything else
#define ES_CAMERA_GONE 1         // ENODEV, ENOENT, ENXIO: the device is not there (unplugged)
#define ES_CAMERA_BROKEN 2       // EIO: the stream failed; restarting it may help
#define ES_CAMERA_NO_FRAME 3     // ETIMEDOUT, EINTR: no frame this time
int es_camera_error_kind(int err_no);

// Stops streaming, unmaps the buffers and closes the device. NULL is ignored.
void es_camera_close(es_camera *camera);

#endif
