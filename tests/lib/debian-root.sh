# shellcheck shell=bash
# Fresh Debian roots for tests that must start from a new machine.
# Source this file from bash (as root); it defines functions and runs nothing.
#
#   debian_root_mirror
#       Print the Debian mirror this machine's apt already uses (first URI of
#       the apt source that carries the suite); never a hard-coded host.
#   debian_root_tarball
#       Make, once, a bare Debian root (debootstrap --variant=minbase, this
#       machine's apt sources, plus $DEBIAN_ROOT_PACKAGES) as a tarball in
#       $DEBIAN_ROOT_CACHE, or reuse it; print its path.
#   debian_root_new
#       Extract a fresh copy of that tarball into a new directory (mode 755,
#       as "/" must be) and set DEBIAN_ROOT to it. Installs the EXIT/INT/TERM/
#       HUP traps that unmount and delete every root made here.
#   debian_root_mount ROOT
#       Bind-mount /proc, /dev, /dev/pts and /sys into ROOT; put the shared
#       .deb cache in ROOT/var/cache/apt/archives; copy /etc/resolv.conf and
#       name this machine's host name in ROOT/etc/hosts.
#   debian_root_umount ROOT
#       Undo debian_root_mount (safe to call twice, or without a mount); the
#       .debs apt downloaded in ROOT go to the shared cache.
#   debian_root_run ROOT CMD [ARG...]
#       Run CMD as root inside ROOT with a clean environment (env -i: PATH,
#       HOME=/root, LANG=C.UTF-8, TERM; add more with `env VAR=... CMD`).
#   debian_root_run_as ROOT USER CMD [ARG...]
#       The same as USER (HOME, USER, LOGNAME of that user).
#   debian_root_remove ROOT
#       Unmount and delete ROOT; refuses to delete while anything is mounted.
#   debian_root_cleanup_all
#       Unmount and delete every root debian_root_new made. The traps call it;
#       a script that sets its own EXIT trap must call it from there.
#
# Settings (environment):
#   DEBIAN_ROOT_CACHE     tarball and .deb cache (default /var/cache/ratos-setup-test)
#   DEBIAN_ROOT_SUITE     Debian suite (default bookworm, Debian 12)
#   DEBIAN_ROOT_PACKAGES  packages baked into the bare root (default "sudo":
#                         a fresh Debian or Raspberry Pi OS has it)
#   DEBIAN_ROOT_MAX_AGE   days before the cached tarball is made again (default 14)
#   DEBIAN_ROOT_TMP       where fresh roots are extracted (default /var/tmp)
#   DEBIAN_ROOT_APT_CACHE 1 (default) shares downloaded .debs between runs
#                         and between roots used at the same time; 0 makes
#                         every root download everything itself
#
# The extracted root is a brand-new machine each time: only the downloaded
# .deb files are shared (the same files apt would download again), never an
# installed package. One difference from a real machine: the root has a
# /usr/sbin/policy-rc.d that stops packages from starting daemons in it.

: "${DEBIAN_ROOT_CACHE:=/var/cache/ratos-setup-test}"
: "${DEBIAN_ROOT_SUITE:=bookworm}"
: "${DEBIAN_ROOT_PACKAGES=sudo}"
: "${DEBIAN_ROOT_MAX_AGE:=14}"
: "${DEBIAN_ROOT_TMP:=/var/tmp}"
: "${DEBIAN_ROOT_APT_CACHE:=1}"
DEBIAN_ROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DEBIAN_ROOT_LIVE=()

debian_root__log() { printf 'debian-root: %s\n' "$*" >&2; }

# The apt source files of this machine, deb822 first.
debian_root__source_files() {
	local f
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done
}

# Print the apt source entries (deb822 stanzas or one-line entries) whose
# suite is $1 or $1-something (updates, security), for the fresh root's apt.
# $2 = "deb822" or "list" selects the format.
debian_root__sources_for() {
	local suite=$1 format=$2 f
	while read -r f; do
		case $f in
		*.sources)
			[ "$format" = deb822 ] || continue
			awk -v suite="$suite" '
				BEGIN { RS = ""; ORS = "\n\n" }
				{
					ok = 0; deb = 0; off = 0
					n = split($0, l, "\n")
					for (i = 1; i <= n; i++) {
						if (l[i] ~ /^Types:.*(^|[ \t:])deb([ \t]|$)/) deb = 1
						if (l[i] ~ /^Enabled:[ \t]*no/) off = 1
						if (l[i] ~ /^Suites:/) {
							m = split(l[i], s, /[ \t]+/)
							for (j = 2; j <= m; j++)
								if (s[j] == suite || index(s[j], suite "-") == 1) ok = 1
						}
					}
					if (ok && deb && !off) print
				}' "$f" ;;
		*)
			[ "$format" = list ] || continue
			awk -v suite="$suite" '
				$1 == "deb" {
					i = 2
					if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
					s = $(i + 1)
					if (s == suite || index(s, suite "-") == 1) print
				}' "$f" ;;
		esac
	done < <(debian_root__source_files)
}

debian_root_mirror() {
	local suite=$DEBIAN_ROOT_SUITE mirror
	mirror=$(debian_root__sources_for "$suite" deb822 | awk -v suite="$suite" '
		BEGIN { RS = "" }
		{
			uri = ""; hit = 0
			n = split($0, l, "\n")
			for (i = 1; i <= n; i++) {
				if (l[i] ~ /^URIs:/) { split(l[i], u, /[ \t]+/); uri = u[2] }
				if (l[i] ~ /^Suites:/) {
					m = split(l[i], s, /[ \t]+/)
					for (j = 2; j <= m; j++) if (s[j] == suite) hit = 1
				}
			}
			if (hit && uri != "") { print uri; exit }
		}')
	if [ -z "$mirror" ]; then
		mirror=$(debian_root__sources_for "$suite" list | awk -v suite="$suite" '
			{
				i = 2
				if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == suite) { print $i; exit }
			}')
	fi
	if [ -z "$mirror" ]; then
		debian_root__log "no apt source for suite '$suite' in /etc/apt: cannot pick a mirror"
		return 1
	fi
	printf '%s\n' "$mirror"
}

# The shared .deb cache. Each root gets its own copy of it (hard links where
# the file system allows) instead of a bind mount: apt locks its archive
# directory, and two roots sharing one would fail each other's installs.
debian_root__debs_dir() {
	printf '%s/debs/%s-%s\n' "$DEBIAN_ROOT_CACHE" "$DEBIAN_ROOT_SUITE" "$(dpkg --print-architecture)"
}

debian_root__debs_in() {
	local root=$1 debs f
	[ "$DEBIAN_ROOT_APT_CACHE" = 1 ] || return 0
	debs=$(debian_root__debs_dir)
	mkdir -p "$debs" "$root/var/cache/apt/archives"
	for f in "$debs"/*.deb; do
		[ -f "$f" ] || continue
		ln -f "$f" "$root/var/cache/apt/archives/" 2>/dev/null ||
			cp -f "$f" "$root/var/cache/apt/archives/"
	done
}

# Keep what apt downloaded in the root (only complete, verified files are in
# archives/; partial/ is not taken). Each file appears under its own name
# only once complete, so a root being seeded at the same time never sees half
# a file.
debian_root__debs_out() {
	local root=$1 debs f name
	[ "$DEBIAN_ROOT_APT_CACHE" = 1 ] || return 0
	debs=$(debian_root__debs_dir)
	mkdir -p "$debs"
	for f in "$root"/var/cache/apt/archives/*.deb; do
		[ -f "$f" ] || continue
		name=${f##*/}
		[ -e "$debs/$name" ] && continue
		{ ln -f "$f" "$debs/.$name.$$" 2>/dev/null || cp -f "$f" "$debs/.$name.$$"; } &&
			mv -f "$debs/.$name.$$" "$debs/$name"
	done
}

debian_root_mount() {
	local root=$1 m
	for m in proc dev dev/pts sys; do
		mkdir -p "$root/$m"
		mountpoint -q "$root/$m" || mount --bind "/$m" "$root/$m"
	done
	debian_root__debs_in "$root"
	# Replace, never follow: a symlink in the root must not redirect the copy.
	rm -f "$root/etc/resolv.conf"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# The root shares this machine's host name; a Debian install names
	# itself in /etc/hosts (sudo warns when the name does not resolve).
	local name
	name=$(cat /proc/sys/kernel/hostname)
	grep -qw -- "$name" "$root/etc/hosts" 2>/dev/null ||
		printf '127.0.1.1\t%s\n' "$name" >>"$root/etc/hosts"
}

debian_root_umount() {
	local root=$1 m
	debian_root__debs_out "$root"
	for m in sys dev/pts dev proc; do
		if mountpoint -q "$root/$m" 2>/dev/null; then
			umount "$root/$m" 2>/dev/null || umount -l "$root/$m" ||
				debian_root__log "could not unmount $root/$m"
		fi
	done
}

debian_root__mounted_under() {
	findmnt -rn -o TARGET | awk -v r="$1" 'index($0, r "/") == 1 || $0 == r'
}

debian_root_remove() {
	local root=$1
	[ -n "$root" ] && [ -d "$root" ] || return 0
	debian_root_umount "$root"
	if [ -n "$(debian_root__mounted_under "$root")" ]; then
		debian_root__log "still mounted under $root, not deleting it:"
		debian_root__mounted_under "$root" >&2
		return 1
	fi
	# --one-file-system: even a mount that appeared since the check is left alone.
	rm -rf --one-file-system "$root"
}

debian_root_cleanup_all() {
	local root
	for root in "${DEBIAN_ROOT_LIVE[@]}"; do
		debian_root_remove "$root" || true
	done
	DEBIAN_ROOT_LIVE=()
}

debian_root__traps() {
	# shellcheck disable=SC2154 # set by the trap itself
	trap 'debian_root__status=$?; debian_root_cleanup_all; exit $debian_root__status' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# A new empty directory that will become "/": mktemp makes it 0700, and a
# root of mode 0700 breaks every program that drops to another user.
debian_root__newdir() {
	local dir
	mkdir -p "$1"
	dir=$(mktemp -d "$1/debian-root.XXXXXX") || return 1
	chmod 755 "$dir"
	DEBIAN_ROOT_LIVE+=("$dir")
	debian_root__traps
	DEBIAN_ROOT=$dir
}

debian_root_run() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i PATH="$DEBIAN_ROOT_PATH" HOME=/root USER=root LOGNAME=root \
		LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@"
}

debian_root_run_as() {
	local root=$1 user=$2 home
	shift 2
	home=$(chroot "$root" getent passwd "$user" | cut -d: -f6) || {
		debian_root__log "no user $user in $root"
		return 1
	}
	chroot "$root" /usr/bin/env -i PATH="$DEBIAN_ROOT_PATH" HOME="$home" USER="$user" \
		LOGNAME="$user" LANG=C.UTF-8 TERM="${TERM:-dumb}" \
		setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
}

debian_root__install_tools() {
	command -v debootstrap >/dev/null && return 0
	debian_root__log "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 \
		--no-install-recommends debootstrap >&2
}

# Build the bare root in a directory of the cache and tar it. Runs under the
# cache lock; every mount is undone by the trap if anything fails.
debian_root__make_tarball() {
	local tarball=$1 mirror=$2 suite=$DEBIAN_ROOT_SUITE root
	debian_root__install_tools || return 1
	debian_root__newdir "$DEBIAN_ROOT_CACHE/build" || return 1
	root=$DEBIAN_ROOT
	debian_root__log "debootstrap --variant=minbase $suite from $mirror"
	debootstrap --variant=minbase "$suite" "$root" "$mirror" >&2 || {
		debian_root__log "debootstrap failed (log: $root/debootstrap/debootstrap.log)"
		tail -n 20 "$root/debootstrap/debootstrap.log" >&2 2>/dev/null
		return 1
	}
	chmod 755 "$root"
	# The same apt sources as this machine (the suite, its updates and
	# security), as on a freshly installed Debian.
	rm -f "$root/etc/apt/sources.list"
	debian_root__sources_for "$suite" deb822 >"$root/etc/apt/sources.list.d/debian.sources"
	debian_root__sources_for "$suite" list >"$root/etc/apt/sources.list"
	[ -s "$root/etc/apt/sources.list.d/debian.sources" ] || rm "$root/etc/apt/sources.list.d/debian.sources"
	[ -s "$root/etc/apt/sources.list" ] || rm "$root/etc/apt/sources.list"
	# No daemon a package installs may start: it would outlive the root and
	# keep its mounts busy (the same policy Debian's own build chroots use).
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	debian_root_mount "$root"
	if [ -n "$DEBIAN_ROOT_PACKAGES" ]; then
		# shellcheck disable=SC2086 # a list of package names
		debian_root_run "$root" env DEBIAN_FRONTEND=noninteractive sh -c \
			'apt-get update && apt-get install -y --no-install-recommends "$@"' sh \
			$DEBIAN_ROOT_PACKAGES >&2 || return 1
	fi
	debian_root_run "$root" apt-get clean
	debian_root_umount "$root"
	rm -f "$root/etc/resolv.conf"
	tar --numeric-owner -C "$root" -cf "$tarball.part" . || return 1
	mv "$tarball.part" "$tarball"
	debian_root_remove "$root"
}

debian_root_tarball() {
	local suite=$DEBIAN_ROOT_SUITE arch mirror key tarball
	arch=$(dpkg --print-architecture) || return 1
	mirror=$(debian_root_mirror) || return 1
	# Anything that changes the bare root changes its name (the recipe
	# version too: raise it when debian_root__make_tarball changes).
	key=$(printf '%s\n' recipe-2 "$suite" "$arch" "$mirror" "$DEBIAN_ROOT_PACKAGES" \
		"$(debian_root__sources_for "$suite" deb822; debian_root__sources_for "$suite" list)" |
		sha256sum | cut -c1-12)
	tarball="$DEBIAN_ROOT_CACHE/debian-$suite-$arch-minbase-$key.tar"
	mkdir -p "$DEBIAN_ROOT_CACHE"
	(
		flock 9
		if [ -s "$tarball" ] && [ -z "$(find "$tarball" -mtime +"$DEBIAN_ROOT_MAX_AGE")" ]; then
			exit 0
		fi
		debian_root__make_tarball "$tarball" "$mirror"
	) 9>"$DEBIAN_ROOT_CACHE/.lock" || {
		debian_root__log "could not make the bare $suite root"
		return 1
	}
	printf '%s\n' "$tarball"
}

debian_root_new() {
	local tarball
	tarball=$(debian_root_tarball) || return 1
	debian_root__newdir "$DEBIAN_ROOT_TMP" || return 1
	tar --numeric-owner -C "$DEBIAN_ROOT" -xf "$tarball" || return 1
	chmod 755 "$DEBIAN_ROOT"
}
