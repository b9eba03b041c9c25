package dev.facesweep.coordinator.modelpull;

/**
 * One file of a hub repository listing.
 *
 * @param path   repository-relative path with '/' separators
 * @param size   size in bytes, or -1 when the listing does not say
 * @param sha256 lower-case hex SHA-256 of the content (Git LFS files), or null
 */
record RemoteFile(String path, long size, String sha256) {
}
