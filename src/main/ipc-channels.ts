/** The two IPC channels between the preload and main; nothing else crosses. */
export const INVOKE_CHANNEL = 'wgdeck:invoke';
export const EVENT_CHANNEL = 'wgdeck:event';
