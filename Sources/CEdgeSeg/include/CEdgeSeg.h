// Umbrella header of the C layer: kernels, image codecs and POSIX shims.
#ifndef CEDGESEG_H
#define CEDGESEG_H
#include "es_camera.h"
#include "es_clock.h"
#include "es_console.h"
#include "es_crc32c.h"
#include "es_file.h"
#include "es_frame.h"
#include "es_image.h"
#include "es_f32.h"
#include "es_fatal_signal.h"
#include "es_histogram.h"
#include "es_int8.h"
#include "es_int8_dispatch.h"
#include "es_number.h"
#include "es_path.h"
#include "es_signal.h"
#include "es_socket.h"
#include "es_thread.h"
#include "es_thread_pool.h"
#include "es_process.h"
#endif
