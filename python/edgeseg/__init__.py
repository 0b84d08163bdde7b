"""EdgeSeg for Python: SegFormer segmentation of numpy frames through libedgeseg (the C API, edgeseg.h), by ctypes.

    import edgeseg
    with edgeseg.Segmenter("model.edgeseg", threads=2, input_size=(320, 240)) as seg:
        classes = seg.segment(frame)              # frame: H x W x 3 uint8 (RGB), or format="bgr24"/"i420"/"nv12"
        print(seg.shares())                       # {"road": 0.38, ...} of the last frame

The library is found at $EDGESEG_LIBRARY, else as libedgeseg-shared.so in the repository's .build/release (after
`swift build -c release --product edgeseg-shared`), else by the system's loader (libedgeseg-shared.so on its path).
Frames go to the library without a copy when their rows are contiguous (a numpy array straight from a camera or a
file); the class map is written into a numpy array you may pass in (`out=`), so a loop allocates nothing.
One Segmenter per thread (edgeseg.h: a handle is used by one thread at a time).
"""
import ctypes
import os

import numpy as np

__all__ = ["Segmenter", "EdgeSegError", "read_image", "FORMATS"]

# edgeseg_pixel_format
FORMATS = {"rgb24": 0, "bgr24": 1, "i420": 2, "nv12": 3}
_STATUS = {1: "bad argument", 2: "file error", 3: "model error", 4: "image error"}


class EdgeSegError(Exception):
    """A call into libedgeseg failed: `status` is its edgeseg_status, the message says what and where."""

    def __init__(self, status, message):
        super().__init__(f"{message} ({_STATUS.get(status, status)})")
        self.status = status


def _find_library():
    explicit = os.environ.get("EDGESEG_LIBRARY")
    if explicit:
        return explicit
    repository = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    built = os.path.join(repository, ".build", "release", "libedgeseg-shared.so")
    return built if os.path.exists(built) else "libedgeseg-shared.so"


def _load():
    lib = ctypes.CDLL(_find_library())
    c_uint8_p, c_char_p, c_int, c_size_t = ctypes.POINTER(ctypes.c_uint8), ctypes.c_char_p, ctypes.c_int, ctypes.c_size_t
    lib.edgeseg_open.argtypes = [c_char_p, c_int, ctypes.POINTER(ctypes.c_void_p), c_char_p, c_size_t]
    lib.edgeseg_set_input_size.argtypes = [ctypes.c_void_p, c_int, c_int]
    lib.edgeseg_segment.argtypes = [ctypes.c_void_p, c_uint8_p, c_int, c_int, c_int, c_int, c_uint8_p, c_int, c_int]
    lib.edgeseg_class_shares.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), c_int]
    lib.edgeseg_class_count.argtypes = [ctypes.c_void_p]
    lib.edgeseg_class_name.argtypes = [ctypes.c_void_p, c_int]
    lib.edgeseg_class_name.restype = c_char_p
    lib.edgeseg_error.argtypes = [ctypes.c_void_p]
    lib.edgeseg_error.restype = c_char_p
    lib.edgeseg_read_image.argtypes = [c_char_p, c_uint8_p, c_size_t, ctypes.POINTER(c_int), ctypes.POINTER(c_int),
                                       c_char_p, c_size_t]
    lib.edgeseg_close.argtypes = [ctypes.c_void_p]
    lib.edgeseg_close.restype = None
    return lib


_lib = _load()


def _pointer(array):
    return array.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))


def read_image(path):
    """A PNG or JPEG file as an H x W x 3 uint8 RGB array (decoded by libedgeseg: no image library needed)."""
    width, height, message = ctypes.c_int(), ctypes.c_int(), ctypes.create_string_buffer(512)
    encoded = os.fsencode(path)
    status = _lib.edgeseg_read_image(encoded, None, 0, ctypes.byref(width), ctypes.byref(height), message, 512)
    if width.value == 0:
        raise EdgeSegError(status, message.value.decode())
    rgb = np.empty((height.value, width.value, 3), dtype=np.uint8)
    status = _lib.edgeseg_read_image(encoded, _pointer(rgb), rgb.nbytes, ctypes.byref(width), ctypes.byref(height),
                                     message, 512)
    if status != 0:
        raise EdgeSegError(status, message.value.decode())
    return rgb


class Segmenter:
    """One model, one handle: segment() frames into class maps, shares() of the last one, class_names."""

    def __init__(self, model, threads=1, input_size=None):
        handle, message = ctypes.c_void_p(), ctypes.create_string_buffer(512)
        status = _lib.edgeseg_open(os.fsencode(model), threads, ctypes.byref(handle), message, 512)
        if status != 0:
            raise EdgeSegError(status, message.value.decode())
        self._handle = handle
        count = _lib.edgeseg_class_count(handle)
        self.class_names = [_lib.edgeseg_class_name(handle, i).decode() for i in range(count)]
        self._shares = (ctypes.c_float * count)()
        if input_size is not None:
            self._check(_lib.edgeseg_set_input_size(handle, int(input_size[0]), int(input_size[1])))

    def _check(self, status):
        if status != 0:
            raise EdgeSegError(status, _lib.edgeseg_error(self._handle).decode())

    def segment(self, frame, format="rgb24", out=None, map_size=None):
        """The class of every pixel as an H x W uint8 array (`map_size` (width, height) for another size, e.g. the
        input size). `frame`: H x W x 3 for rgb24/bgr24; (H * 3 / 2) x W for i420/nv12, as picamera2's "YUV420"."""
        if format not in FORMATS:
            raise ValueError(f"format {format!r}: expected one of {', '.join(FORMATS)}")
        frame = np.asarray(frame)
        if frame.dtype != np.uint8:
            raise ValueError(f"frame of {frame.dtype}: expected uint8")
        packed = format in ("rgb24", "bgr24")
        if packed and (frame.ndim != 3 or frame.shape[2] != 3):
            raise ValueError(f"{format} frame of shape {frame.shape}: expected (height, width, 3)")
        if not packed and (frame.ndim != 2 or frame.shape[0] % 3 != 0):
            raise ValueError(f"{format} frame of shape {frame.shape}: expected (height * 3 / 2, width)")
        # Rows may be apart (a crop, picamera2's padded rows); pixels within a row must be packed.
        inner = frame.strides[1:] == ((3, 1) if packed else (1,))
        if not inner or frame.strides[0] < 0 or (not packed and not frame.flags.c_contiguous):
            frame = np.ascontiguousarray(frame)
        height = frame.shape[0] if packed else frame.shape[0] * 2 // 3
        width = frame.shape[1]
        map_width, map_height = map_size if map_size is not None else (width, height)
        if out is None:
            out = np.empty((map_height, map_width), dtype=np.uint8)
        elif out.shape != (map_height, map_width) or out.dtype != np.uint8 or not out.flags.c_contiguous:
            raise ValueError(f"out: expected a contiguous uint8 array of shape {(map_height, map_width)}")
        stride = frame.strides[0] if packed else 0
        self._check(_lib.edgeseg_segment(self._handle, _pointer(frame), width, height, stride, FORMATS[format],
                                         _pointer(out), map_width, map_height))
        return out

    def shares(self):
        """Each class's share (0..1) of the last class map, by class name."""
        n = _lib.edgeseg_class_shares(self._handle, self._shares, len(self._shares))
        return {self.class_names[i]: float(self._shares[i]) for i in range(n)}

    def close(self):
        if self._handle:
            _lib.edgeseg_close(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
