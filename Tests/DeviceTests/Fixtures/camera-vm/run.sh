#!/bin/sh
# Runs inside the vivid VM (busybox sh, cwd = the shared folder): the aarch64 camera binary against a real
# V4L2 driver, one case per run, faults injected with v4l2-ctl. Each case leaves CASE.log (the program's
# stdout and stderr) and CASE.rc (its exit status) here for CameraVMTests to check on the host.
# The binary and model are copied to RAM first: the guest clock (qemu -icount, sleep=off) leaps ahead while
# the guest waits on 9p reads, which would eat the `timeout` budget that keeps a hang from stalling the VM.
DEV=/dev/video0
cp edgeseg-aarch64 model.edgeseg /tmp/
BIN=/tmp/edgeseg-aarch64
COMMON="camera --model /tmp/model.edgeseg --device $DEV --input 3 --size 320x240 --model-size 64x48"
ctl() { v4l2-ctl -d $DEV -c "$1" >/dev/null 2>&1 || echo "v4l2-ctl -c $1 failed"; }

# run NAME ARGS...: in the foreground
run() {
	name=$1; shift
	timeout 600 $BIN "$@" >"$name.log" 2>&1
	echo $? >"$name.rc"
	echo "case $name: status $(cat "$name.rc")"
}

# run_then NAME PATTERN ACTION ARGS...: starts the program, waits until its output has a line starting with
# PATTERN, then presses the button control ACTION three times (or sends SIGTERM for "-TERM"), and waits
# for the program to end.
run_then() {
	name=$1 pattern=$2 action=$3; shift 3
	: >"$name.log"
	timeout 600 $BIN "$@" >"$name.log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q "^$pattern" "$name.log" && kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 0.5
	case $action in
	-TERM) kill -TERM $pid ;;
	*) for n in 1 2 3; do ctl "$action=1"; sleep 0.3; done ;;
	esac
	wait $pid
	echo $? >"$name.rc"
	echo "case $name: status $(cat "$name.rc")"
}

ctl percentage_of_dropped_buffers=0
# 90 frames at 60 fps: long enough for a once-a-second stats line.
run yuyv $COMMON --format yuyv --frames 90 --save-dir yuyv --save-every 10
run nv12 $COMMON --format nv12 --frames 30 --save-dir nv12 --save-every 10
run rgb24 $COMMON --format rgb24 --frames 30 --save-dir rgb24 --save-every 10
run auto $COMMON --format auto --frames 30 --save-dir auto --save-every 10

# The pipe a Camera Module user runs (rpicam-vid -o - | ... --source -), with v4l2-ctl as the writer: 30 raw YUYV
# frames of vivid on stdout into the binary's camera --source -.
# (The input is set apart: v4l2-ctl says "Video input set to ..." on stdout, which would go down the pipe.)
v4l2-ctl -d $DEV -i 3 >/dev/null
v4l2-ctl -d $DEV --set-fmt-video=width=320,height=240,pixelformat=YUYV --stream-mmap --stream-count=30 \
	--stream-to=- 2>pipe-writer.log \
	| timeout 600 $BIN camera --model /tmp/model.edgeseg --source - --format yuyv --size 320x240 --model-size 64x48 \
		--save-dir pipe --save-every 10 --json >pipe.jsonl 2>pipe.log
echo $? >pipe.rc
echo "case pipe: status $(cat pipe.rc)"

ctl percentage_of_dropped_buffers=30
run drops $COMMON --format yuyv --frames 30
ctl percentage_of_dropped_buffers=0

run_then errorflag camera: inject_v4l2_buf_flag_error $COMMON --format yuyv --frames 60
run_then fatal camera: inject_fatal_streaming_error $COMMON --format yuyv --frames 60
run_then sigterm camera: -TERM $COMMON --format yuyv
# vivid's "Disconnect" unregisters the node until its last user closes it: without --reconnect the program
# exits (status 3); with it, it closes, opens the camera again and goes on.
run_then disconnect camera: disconnect $COMMON --format yuyv
run_then reconnect camera: disconnect $COMMON --format yuyv --frames 90 --reconnect
# A camera that is not there: --reconnect waits for it until stopped.
run_then absent /dev/video9: -TERM camera --model /tmp/model.edgeseg --device /dev/video9 --reconnect
exit 0
