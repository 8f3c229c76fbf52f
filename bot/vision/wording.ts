// Every fixed sentence about pictures.
export const VISION_WORDING = {
  /** First reply of a turn started by a picture with a platform message in it. */
  readMessage: (text: string) => `图片里的提示是：“${text}”`,
  /** First reply when the picture's text is not one of the platform's messages. */
  readText: (text: string) => `图片里的文字是：“${text}”`,
  noText: "这张图片里我没有读到文字。请直接用文字把页面上的提示发给我，或回复“转人工”联系人工客服。",
  failed: "抱歉，这张图片我没能读出来。请直接用文字把页面上的提示发给我，或回复“转人工”联系人工客服。",
  /** A chat channel (WeChat) got a file it cannot read as a picture. */
  badImage: "这张图片我打不开（能读的是 5 MB 以内的 PNG、JPEG、WebP 截图）。请换一张截图，或直接用文字把页面上的提示发给我。",
  busy: "现在同时发来的图片有点多，请稍后再发一次，或直接用文字把页面上的提示发给我。",
};
