#include "es_camera.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <libv4l2.h>
#include <linux/videodev2.h>

_Static_assert(ES_FOURCC_YUYV == V4L2_PIX_FMT_YUYV && ES_FOURCC_NV12 == V4L2_PIX_FMT_NV12 && ES_FOURCC_I420 == V4L2_PIX_FMT_YUV420 &&
               ES_FOURCC_RGB24 == V4L2_PIX_FMT_RGB24 && ES_FOURCC_BGR24 == V4L2_PIX_FMT_BGR24 &&
               ES_FOURCC_MJPEG == V4L2_PIX_FMT_MJPEG, "es_camera.h fourcc codes differ from videodev2.h");

struct es_camera {
    int fd;
    uint32_t count;
    struct { void *start; size_t length; } buffers[ES_CAMERA_MAX_BUFFERS];
};

// EINTR during an ioctl is not a failure of the request: repeat it.
static int xioctl(int fd, unsigned long request, void *arg) {
    int r;
    do r = v4l2_ioctl(fd, request, arg); while (r == -1 && errno == EINTR);
    return r;
}

static int fail(char *error, int err, const char *what, const char *device) {
    snprintf(error, ES_CAMERA_ERROR_SIZE, "%s: %s: %s", device, what, strerror(err));
    return err;
}

static int queue_all(es_camera *c) {
    for (uint32_t i = 0; i < c->count; i++) {
        struct v4l2_buffer vb = { .index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
        if (xioctl(c->fd, VIDIOC_QBUF, &vb) != 0) return errno;
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    return xioctl(c->fd, VIDIOC_STREAMON, &type) == 0 ? 0 : errno;
}

static void copy_name(char *dst, size_t size, const void *src) {
    snprintf(dst, size, "%s", (const char *)src);
}

static int negotiate(es_camera *c, const char *device, int input, uint32_t fourcc, uint32_t width,
                     uint32_t height, uint32_t fps, es_camera_info *info, char *error) {
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(c->fd, VIDIOC_QUERYCAP, &cap) != 0) return fail(error, errno, "VIDIOC_QUERYCAP", device);
    uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) return fail(error, ENOTTY, "not a video capture device", device);
    if (!(caps & V4L2_CAP_STREAMING)) return fail(error, ENOTTY, "the device cannot stream (no V4L2_CAP_STREAMING)", device);
    copy_name(info->driver, sizeof info->driver, cap.driver);
    copy_name(info->card, sizeof info->card, cap.card);

    // The input first: switching inputs resets the format. It persists across opens, so set it every time.
    if (input >= 0 && xioctl(c->fd, VIDIOC_S_INPUT, &input) != 0) return fail(error, errno, "VIDIOC_S_INPUT", device);
    info->input = -1;
    int current;
    if (xioctl(c->fd, VIDIOC_G_INPUT, &current) == 0) {
        struct v4l2_input in;
        memset(&in, 0, sizeof in);
        in.index = (uint32_t)current;
        info->input = current;
        if (xioctl(c->fd, VIDIOC_ENUMINPUT, &in) == 0) copy_name(info->input_name, sizeof info->input_name, in.name);
    }

    struct v4l2_format f;
    memset(&f, 0, sizeof f);
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = width;
    f.fmt.pix.height = height;
    f.fmt.pix.pixelformat = fourcc;
    f.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(c->fd, VIDIOC_S_FMT, &f) != 0) return fail(error, errno, "VIDIOC_S_FMT", device);
    // What the driver set, not what was asked: it may round the size or pick another format.
    if (xioctl(c->fd, VIDIOC_G_FMT, &f) != 0) return fail(error, errno, "VIDIOC_G_FMT", device);
    info->fourcc = f.fmt.pix.pixelformat;
    info->width = f.fmt.pix.width;
    info->height = f.fmt.pix.height;
    info->bytes_per_line = f.fmt.pix.bytesperline;
    info->size_image = f.fmt.pix.sizeimage;

    struct v4l2_streamparm parm;
    memset(&parm, 0, sizeof parm);
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (fps > 0) {
        parm.parm.capture.timeperframe.numerator = 1;
        parm.parm.capture.timeperframe.denominator = fps;
        info->fps_was_set = xioctl(c->fd, VIDIOC_S_PARM, &parm) == 0;
    }
    memset(&parm, 0, sizeof parm);
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(c->fd, VIDIOC_G_PARM, &parm) == 0 && parm.parm.capture.timeperframe.numerator > 0) {
        // timeperframe is seconds per frame: the rate is its inverse
        info->fps_numerator = parm.parm.capture.timeperframe.denominator;
        info->fps_denominator = parm.parm.capture.timeperframe.numerator;
    }
    return 0;
}

static int map_buffers(es_camera *c, const char *device, uint32_t buffer_count, char *error) {
    struct v4l2_requestbuffers rb;
    memset(&rb, 0, sizeof rb);
    rb.count = buffer_count;
    rb.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    rb.memory = V4L2_MEMORY_MMAP;
    if (xioctl(c->fd, VIDIOC_REQBUFS, &rb) != 0) return fail(error, errno, "VIDIOC_REQBUFS", device);
    if (rb.count < 2) return fail(error, ENOMEM, "VIDIOC_REQBUFS gave fewer than 2 buffers", device);
    c->count = rb.count < ES_CAMERA_MAX_BUFFERS ? rb.count : ES_CAMERA_MAX_BUFFERS;
    for (uint32_t i = 0; i < c->count; i++) {
        struct v4l2_buffer vb = { .index = i, .type = rb.type, .memory = rb.memory };
        if (xioctl(c->fd, VIDIOC_QUERYBUF, &vb) != 0) return fail(error, errno, "VIDIOC_QUERYBUF", device);
        void *p = v4l2_mmap(NULL, vb.length, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, vb.m.offset);
        if (p == MAP_FAILED) return fail(error, errno, "mmap", device);
        c->buffers[i].start = p;
        c->buffers[i].length = vb.length;
    }
    return 0;
}

int es_camera_open(const char *device, int input, uint32_t fourcc, uint32_t width, uint32_t height,
                   uint32_t fps, uint32_t buffer_count, es_camera **camera, es_camera_info *info,
                   char *error) {
    *camera = NULL;
    memset(info, 0, sizeof *info);
    error[0] = 0;
    es_camera *c = calloc(1, sizeof *c);
    if (!c) return fail(error, ENOMEM, "out of memory", device);
    c->fd = v4l2_open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (c->fd < 0) {
        int e = errno;
        free(c);
        return fail(error, e, "cannot open", device);
    }
    if (buffer_count < 3) buffer_count = 3;
    if (buffer_count > ES_CAMERA_MAX_BUFFERS) buffer_count = ES_CAMERA_MAX_BUFFERS;
    int rc = negotiate(c, device, input, fourcc, width, height, fps, info, error);
    if (rc == 0) rc = map_buffers(c, device, buffer_count, error);
    if (rc == 0 && (rc = queue_all(c)) != 0) fail(error, rc, "starting the stream (VIDIOC_QBUF/STREAMON)", device);
    if (rc != 0) {
        es_camera_close(c);
        return rc;
    }
    info->buffer_count = c->count;
    *camera = c;
    return 0;
}

int es_camera_dequeue(es_camera *c, int timeout_ms, es_camera_frame *frame) {
    for (;;) {
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        int r = poll(&p, 1, timeout_ms);
        if (r < 0) return errno;   // EINTR goes to the caller: a stop signal may be waiting
        if (r == 0) return ETIMEDOUT;
        // POLLERR (disconnect, queue error) is not returned here: DQBUF below says which error it is.
        struct v4l2_buffer vb = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
        if (xioctl(c->fd, VIDIOC_DQBUF, &vb) != 0) {
            if (errno == EAGAIN) continue;
            return errno;
        }
        if (vb.index >= c->count) return EINVAL;
        frame->index = vb.index;
        frame->sequence = vb.sequence;
        frame->error_flag = (vb.flags & V4L2_BUF_FLAG_ERROR) != 0;
        frame->bytes_used = vb.bytesused;
        frame->timestamp_ns = (vb.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC
            ? (uint64_t)vb.timestamp.tv_sec * 1000000000u + (uint64_t)vb.timestamp.tv_usec * 1000u
            : 0;
        frame->data = c->buffers[vb.index].start;
        return 0;
    }
}

int es_camera_requeue(es_camera *c, uint32_t index) {
    struct v4l2_buffer vb = { .index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
    return xioctl(c->fd, VIDIOC_QBUF, &vb) == 0 ? 0 : errno;
}

int es_camera_restart(es_camera *c) {
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    // STREAMOFF returns every buffer to us and clears the queue's error state
    if (xioctl(c->fd, VIDIOC_STREAMOFF, &type) != 0) return errno;
    return queue_all(c);
}

int es_camera_error_kind(int err_no) {
    switch (err_no) {
    case ENODEV: case ENOENT: case ENXIO: return ES_CAMERA_GONE;
    case EIO: return ES_CAMERA_BROKEN;
    case ETIMEDOUT: case EINTR: return ES_CAMERA_NO_FRAME;
    default: return ES_CAMERA_FAILED;
    }
}

void es_camera_close(es_camera *c) {
    if (!c) return;
    if (c->fd >= 0) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        xioctl(c->fd, VIDIOC_STREAMOFF, &type);
        for (uint32_t i = 0; i < c->count; i++) {
            if (c->buffers[i].start) v4l2_munmap(c->buffers[i].start, c->buffers[i].length);
        }
        v4l2_close(c->fd);
    }
    free(c);
}
