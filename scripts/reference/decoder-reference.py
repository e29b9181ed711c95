# Reference detections for the decoder tests (appliance/test/decoder-reference.test.ts), made
# independently of the TypeScript code: ffmpeg turns a COCO image into the model-input frame exactly as
# the appliance's decoder does (bilinear scale to the planned content size, pad right/bottom, planar
# gbrp), then numpy does each model's documented pre-processing, onnxruntime runs the model, and numpy
# re-implements its documented post-processing (YOLOX grid decode; PicoDet GFL/DFL with +0.5 cell
# centres) and per-class greedy NMS.
#
#   python3 -m venv /tmp/ref && /tmp/ref/bin/pip install onnxruntime numpy
#   /tmp/ref/bin/python scripts/reference/decoder-reference.py > appliance/test/fixtures/decoder-reference.json
import hashlib, json, os, subprocess, sys
import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE = "appliance/test/fixtures/coco/000000001000.jpg"  # 640x480
MIN_SCORE = 0.3


def frame(src_w, src_h, content_w, content_h, in_w, in_h, pad):
    vf = f"scale={content_w}:{content_h}:flags=bilinear,pad={in_w}:{in_h}:0:0:color=0x{pad:02x}{pad:02x}{pad:02x}"
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(ROOT, IMAGE), "-vf", vf, "-pix_fmt", "gbrp", "-f", "rawvideo", "pipe:1"],
                         check=True, capture_output=True).stdout
    assert len(raw) == 3 * in_w * in_h, len(raw)
    planes = np.frombuffer(raw, np.uint8).reshape(3, in_h, in_w)  # G, B, R
    return raw, {"G": planes[0], "B": planes[1], "R": planes[2]}


def tensor(planes, order, scale, mean, std):
    x = np.stack([planes[c] for c in order]).astype(np.float32)
    x = (x * scale - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    return x[None]


def nms(boxes, scores, classes, iou_thr):
    order = np.argsort(-scores, kind="stable")
    kept = []
    for i in order:
        ok = True
        for k in kept:
            if classes[k] != classes[i]:
                continue
            xx1 = max(boxes[i, 0], boxes[k, 0]); yy1 = max(boxes[i, 1], boxes[k, 1])
            xx2 = min(boxes[i, 2], boxes[k, 2]); yy2 = min(boxes[i, 3], boxes[k, 3])
            inter = max(0.0, xx2 - xx1) * max(0.0, yy2 - yy1)
            a = (boxes[i, 2] - boxes[i, 0]) * (boxes[i, 3] - boxes[i, 1]); b = (boxes[k, 2] - boxes[k, 0]) * (boxes[k, 3] - boxes[k, 1])
            if inter / (a + b - inter) > iou_thr:
                ok = False; break
        if ok:
            kept.append(i)
    return kept


def finish(x1, y1, x2, y2, scores, classes, sx, sy, src_w, src_h, iou_thr):
    b = np.stack([np.clip(x1 / sx, 0, src_w), np.clip(y1 / sy, 0, src_h), np.clip(x2 / sx, 0, src_w), np.clip(y2 / sy, 0, src_h)], 1)
    ok = (b[:, 2] - b[:, 0] >= 1) & (b[:, 3] - b[:, 1] >= 1)
    b, scores, classes = b[ok], scores[ok], classes[ok]
    keep = nms(b, scores, classes, iou_thr)
    return [{"box": [round(float(v), 4) for v in b[i]], "score": round(float(scores[i]), 6), "classId": int(classes[i])} for i in keep]


def session(path):
    so = ort.SessionOptions(); so.intra_op_num_threads = 1; so.log_severity_level = 3
    return ort.InferenceSession(os.path.join(ROOT, path), so, providers=["CPUExecutionProvider"])


def yolox():
    # Aspect-aware input of the bundled YOLOX-Nano (dynamic size): 640x480 at 416/640 = 0.65 -> content
    # 416x312, input 416x320 (the next multiple of 32), padded with 114; BGR, raw 0-255.
    src_w, src_h, cw, ch, iw, ih, s = 640, 480, 416, 312, 416, 320, 0.65
    raw, planes = frame(src_w, src_h, cw, ch, iw, ih, 114)
    out = session("models/yolox-nano/yolox_nano_any.onnx").run(None, {"images": tensor(planes, "BGR", 1, [0, 0, 0], [1, 1, 1])})[0][0]
    grids, strides = [], []
    for st in (8, 16, 32):
        gw, gh = iw // st, ih // st
        yy, xx = np.meshgrid(np.arange(gh), np.arange(gw), indexing="ij")
        grids.append(np.stack([xx, yy], -1).reshape(-1, 2)); strides.append(np.full(gw * gh, st))
    grids = np.concatenate(grids).astype(np.float64); strides = np.concatenate(strides).astype(np.float64)
    out = out.astype(np.float64)
    cx = (out[:, 0] + grids[:, 0]) * strides; cy = (out[:, 1] + grids[:, 1]) * strides
    w = np.exp(out[:, 2]) * strides; h = np.exp(out[:, 3]) * strides
    cls = np.argmax(out[:, 5:], 1); score = out[:, 4] * out[np.arange(len(out)), 5 + cls]
    m = score >= MIN_SCORE
    dets = finish((cx - w / 2)[m], (cy - h / 2)[m], (cx + w / 2)[m], (cy + h / 2)[m], score[m], cls[m], s, s, src_w, src_h, 0.45)
    return {"manifest": "models/yolox-nano/manifest-any.json", "input": [iw, ih], "content": [cw, ch], "frame_sha256": hashlib.sha256(raw).hexdigest(), "detections": dets}


def picodet():
    # PicoDet-S 416: plain resize to 416x416 (aspect not kept), RGB, /255, ImageNet mean/std.
    src_w, src_h, iw, ih = 640, 480, 416, 416
    raw, planes = frame(src_w, src_h, iw, ih, iw, ih, 0)
    outs = session("models/picodet-s/picodet_s_416_coco.onnx").run(None, {"image": tensor(planes, "RGB", 1 / 255, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])})
    x1s, y1s, x2s, y2s, scs, cls = [], [], [], [], [], []
    for k, st in enumerate((8, 16, 32, 64)):
        sc = outs[k][0].astype(np.float64); reg = outs[4 + k][0].astype(np.float64)
        cols = -(-iw // st)
        idx = np.arange(sc.shape[0]); cx = (idx % cols + 0.5) * st; cy = (idx // cols + 0.5) * st
        d = reg.reshape(-1, 4, 8); e = np.exp(d - d.max(-1, keepdims=True)); p = e / e.sum(-1, keepdims=True)
        dist = (p * np.arange(8)).sum(-1) * st  # left, top, right, bottom
        c = np.argmax(sc, 1); s = sc[idx, c]; m = s >= MIN_SCORE
        x1s.append((cx - dist[:, 0])[m]); y1s.append((cy - dist[:, 1])[m]); x2s.append((cx + dist[:, 2])[m]); y2s.append((cy + dist[:, 3])[m]); scs.append(s[m]); cls.append(c[m])
    cat = np.concatenate
    dets = finish(cat(x1s), cat(y1s), cat(x2s), cat(y2s), cat(scs), cat(cls), iw / src_w, ih / src_h, src_w, src_h, 0.5)
    return {"manifest": "models/picodet-s/manifest.json", "input": [iw, ih], "content": [iw, ih], "frame_sha256": hashlib.sha256(raw).hexdigest(), "detections": dets}


json.dump({
    "made_by": "scripts/reference/decoder-reference.py (numpy + onnxruntime " + ort.__version__ + ", numpy " + np.__version__ + ")",
    "image": IMAGE, "image_sha256": hashlib.sha256(open(os.path.join(ROOT, IMAGE), "rb").read()).hexdigest(),
    "min_score": MIN_SCORE, "models": [yolox(), picodet()],
}, sys.stdout, indent=1)
print()
