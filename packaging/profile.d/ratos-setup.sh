# ratos-setup: offer the controller-board wizard once, at an interactive SSH
# login, until it was finished or declined. Sourced by every login shell:
# POSIX sh, and silent unless every condition holds. Never for commands run
# over SSH, scp or sftp: those shells are not interactive, or have no
# terminal on stdin and stdout.
if [ -n "${SSH_CONNECTION:-}" ] && [ -z "${RATOS_SETUP_OFFERED:-}" ] &&
	[ ! -e "${RATOS_SETUP_FIRST_BOOT_MARKER:-/var/lib/ratos-setup/first-boot-done}" ]; then
	case $- in
	*i*)
		if [ -t 0 ] && [ -t 1 ] && command -v ratos-setup >/dev/null 2>&1; then
			# Once per session: not again in a nested shell or tmux.
			RATOS_SETUP_OFFERED=1
			export RATOS_SETUP_OFFERED
			ratos-setup --first-boot
		fi
		;;
	esac
fi
