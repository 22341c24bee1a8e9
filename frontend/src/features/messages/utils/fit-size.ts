export interface Size {
  width: number;
  height: number;
}

/** The largest size of `natural`'s aspect ratio inside `box`: small images are scaled up, large ones
 * down (a 160×100 photo in a 920×840 box is shown at 920×575). Null when a size is unknown. */
export function fitSize(natural: Size, box: Size): Size | null {
  if (natural.width <= 0 || natural.height <= 0 || box.width <= 0 || box.height <= 0) return null;
  const scale = Math.min(box.width / natural.width, box.height / natural.height);
  return { width: Math.floor(natural.width * scale), height: Math.floor(natural.height * scale) };
}
