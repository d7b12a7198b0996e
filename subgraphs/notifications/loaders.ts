/**
 * Notifications resolves no child fields of its own (a delivery is one row, read whole),
 * so it has no DataLoaders.
 */
export function createNotificationsLoaders() {
  return {};
}

export type NotificationsLoaders = ReturnType<typeof createNotificationsLoaders>;
