/**
 * open_clip's eval image preprocessing, reproduced bit for bit from Pillow 9.4 + torchvision.
 *
 * <p>Entry point: {@link dev.facesweep.imaging.ClipImagePreprocessor} (an {@link
 * dev.facesweep.imaging.ImagePreprocessor}) built from a {@link dev.facesweep.imaging.PreprocessConfig} (a bundle's
 * {@code visual/preprocess_cfg.json}) and {@link dev.facesweep.imaging.DecodeLimits}.
 *
 * <p>How it stays faithful (docs/clip-fidelity.md has the rules):
 * <ul>
 *   <li>PNG is decoded here, not by ImageIO, so the Pillow mode is known exactly: "1", "L", "LA", "RGB", "RGBA",
 *       "P" (palette kept, with or without tRNS) and "I" for 16-bit grey. 16-bit colour keeps the high byte.
 *       16-bit grey follows Pillow to the letter: resized as 32-bit integers, then clipped to 0..255 by
 *       {@code convert("RGB")}, so values above 255 turn white, exactly as open_clip sees them.</li>
 *   <li>JPEG goes through ImageIO (IJG libjpeg; Pillow has libjpeg-turbo): the fixture JPEG decodes identically,
 *       in general a level or two may differ. ICC profiles and EXIF orientation are ignored, as in Pillow.</li>
 *   <li>Resizing is Pillow's fixed-point convolution with its per-mode rules (premultiplied alpha, NEAREST for
 *       "P" and "1", same-size copy); geometry follows torchvision's {@code Resize} / {@code CenterCrop} and
 *       open_clip's {@code ResizeKeepRatio} / {@code CenterCropOrPad}.</li>
 *   <li>Sizes are checked from the file header against the limits before pixels are allocated; truncated or
 *       corrupt data is an {@link dev.facesweep.imaging.ImageException} with a one-line reason.</li>
 * </ul>
 */
package dev.facesweep.imaging;
