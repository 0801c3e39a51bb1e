/** berth's own version. */
export const BERTH_VERSION = '0.1.0';
/** The Docker Engine release whose API behaviour berth follows; clients parse `Version` as semver. */
export const DOCKER_COMPAT_VERSION = '28.0.0';
