#!/bin/sh
# Build a busybox root filesystem tarball from Debian's busybox-static package:
# one static binary, its applets as symlinks, and a minimal /etc.
# Usage: scripts/make-busybox-image.sh OUT.tar   (skips work when OUT.tar exists)
set -eu
out=$(realpath -m "${1:?usage: make-busybox-image.sh OUT.tar}")
[ -s "$out" ] && exit 0
mkdir -p "$(dirname "$out")"
bb=/bin/busybox
[ -x "$bb" ] || { echo "busybox-static is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r="$work/rootfs"
mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin" "$r/etc" "$r/root" "$r/tmp" "$r/var/spool/mail" "$r/var/www" "$r/home" "$r/proc" "$r/sys" "$r/dev"
cp "$bb" "$r/bin/busybox"
for applet in $("$bb" --list); do
  [ "$applet" = busybox ] && continue
  [ -e "$r/bin/$applet" ] || ln -s busybox "$r/bin/$applet"
done
chmod 1777 "$r/tmp"
chmod 700 "$r/root"
cat > "$r/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
P
cat > "$r/etc/group" <<'G'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
wheel:x:10:root
www-data:x:33:
users:x:100:
nogroup:x:65534:
G
echo "127.0.0.1 localhost" > "$r/etc/hosts"
tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$r" -cf "$out.tmp" .
mv "$out.tmp" "$out"
