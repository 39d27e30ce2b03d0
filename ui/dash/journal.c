/* The edit journal and the dataset lock (see journal.h): an append-only
 * text file written with one write(2) per operation and fdatasync'ed before
 * the caller goes on, and an flock'ed lock file beside it. */
#include "ui/dash/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void journal_init(Journal *j)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->lock_fd = -1;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static void mkdirs(const char *dir)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0700);
			*p = '/';
		}
	mkdir(buf, 0700);
}

/* The pid written in the lock file (0 when unreadable). */
static long lock_owner(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

void journal_paths(Journal *j, const char *key)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char dir[900];
	if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/vigil", xdg);
	else
		snprintf(dir, sizeof(dir), "%s/.cache/vigil",
			 home && *home ? home : "/tmp");
	mkdirs(dir);
	uint64_t h = fnv1a(key);
	snprintf(j->path, sizeof(j->path), "%s/journal-%016" PRIx64 ".log",
		 dir, h);
	snprintf(j->lock_path, sizeof(j->lock_path), "%s/journal-%016" PRIx64
		 ".lock", dir, h);
}

int journal_lock(Journal *j, const char *key)
{
	journal_paths(j, key);
	int fd = open(j->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		j->error = errno;
		return -1;
	}
	/* a vigil that was just told to go may still be on its way out */
	for (int tries = 0;; tries++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			j->error = errno;
			close(fd);
			return -1;
		}
		if (tries >= 20) {
			j->other_pid = lock_owner(fd);
			close(fd);
			return 1;
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
		/* the lock holds without the pid; a second vigil says so */
	}
	j->lock_fd = fd;
	return 0;
}

void journal_format(const UiOp *op, char *buf, size_t n)
{
	char set[32];
	if (op->set == UI_NODE)
		snprintf(set, sizeof(set), "*");
	else
		snprintf(set, sizeof(set), "%zu", op->set);
	switch (op->kind) {
	case UI_OP_MARK:
	case UI_OP_UNMARK:
		snprintf(buf, n, "%s %s %" PRId64 " %" PRId64 "\n",
			 op->kind == UI_OP_MARK ? "mark" : "unmark", set,
			 op->start, op->end);
		break;
	case UI_OP_RESIZE:
		snprintf(buf, n, "resize %s %" PRId64 " %" PRId64 " %" PRId64
			 "\n", set, op->at, op->start, op->end);
		break;
	case UI_OP_SPLIT:
		snprintf(buf, n, "split %s %" PRId64 "\n", set, op->at);
		break;
	case UI_OP_UNDO:
		snprintf(buf, n, "undo\n");
		break;
	case UI_OP_REDO:
		snprintf(buf, n, "redo\n");
		break;
	case UI_OP_SAVED:
		snprintf(buf, n, "saved %s\n",
			 (op->saved & UI_SAVED_ALL) == UI_SAVED_ALL ? "all"
			 : op->saved & UI_SAVED_NODE		? "node"
								: "metrics");
		break;
	case UI_OP_NOTE: {
		/* the text in hex (one word, any bytes), "-" for none */
		int w = snprintf(buf, n, "note %s %" PRId64 " ", set, op->at);
		size_t used = w > 0 ? (size_t)w : 0;
		const char *t = op->note ? op->note : "";
		if (!*t && used + 1 < n)
			buf[used++] = '-';
		for (; *t && used + 3 < n; t++)
			used += (size_t)snprintf(buf + used, n - used, "%02x",
						 (unsigned char)*t);
		snprintf(buf + used, n - used, "\n");
		break;
	}
	}
}

/* The note of a "note" line from its hex (or "-") into out; 0 or -1. */
static int unhex(const char *hex, char *out, size_t n)
{
	if (!strcmp(hex, "-")) {
		out[0] = '\0';
		return 0;
	}
	size_t len = strlen(hex), k = 0;
	if (len % 2 || len / 2 >= n)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		unsigned v;
		if (sscanf(hex + i, "%2x", &v) != 1 || !v)
			return -1;
		out[k++] = (char)v;
	}
	out[k] = '\0';
	return 0;
}

/* Parse one complete line (without its newline) into op; 0 or -1. A
 * note's text goes to note (n bytes), which op->note then points to. */
static int parse_line(const char *line, size_t metrics, UiOp *op, char *note,
		      size_t n_note)
{
	char word[16], set[32], rest[8];
	long long at, s, e;
	memset(op, 0, sizeof(*op));
	if (sscanf(line, "%15s", word) != 1)
		return -1;
	if (!strcmp(word, "undo") || !strcmp(word, "redo")) {
		op->kind = word[0] == 'u' ? UI_OP_UNDO : UI_OP_REDO;
		return sscanf(line, "%*s %7s", rest) == 1 ? -1 : 0;
	}
	if (!strcmp(word, "saved")) {
		op->kind = UI_OP_SAVED;
		if (sscanf(line, "%*s %7s", rest) != 1)
			return -1;
		op->saved = !strcmp(rest, "all")       ? UI_SAVED_ALL
			    : !strcmp(rest, "node")    ? UI_SAVED_NODE
			    : !strcmp(rest, "metrics") ? UI_SAVED_METRICS
						       : 0;
		return op->saved ? 0 : -1;
	}
	int n;
	if (!strcmp(word, "mark") || !strcmp(word, "unmark")) {
		op->kind = word[0] == 'm' ? UI_OP_MARK : UI_OP_UNMARK;
		n = sscanf(line, "%*s %31s %lld %lld %7s", set, &s, &e, rest);
		if (n != 3)
			return -1;
		op->start = s;
		op->end = e;
	} else if (!strcmp(word, "resize")) {
		op->kind = UI_OP_RESIZE;
		n = sscanf(line, "%*s %31s %lld %lld %lld %7s", set, &at, &s,
			   &e, rest);
		if (n != 4)
			return -1;
		op->at = at;
		op->start = s;
		op->end = e;
	} else if (!strcmp(word, "note")) {
		char hex[JOURNAL_NOTE_MAX * 2 + 2];
		op->kind = UI_OP_NOTE;
		n = sscanf(line, "%*s %31s %lld %" JOURNAL_HEX_W "s %7s", set,
			   &at, hex, rest);
		if (n != 3 || unhex(hex, note, n_note))
			return -1;
		op->at = at;
		op->note = note;
	} else if (!strcmp(word, "split")) {
		op->kind = UI_OP_SPLIT;
		n = sscanf(line, "%*s %31s %lld %7s", set, &at, rest);
		if (n != 2)
			return -1;
		op->at = at;
	} else {
		return -1;
	}
	if (!strcmp(set, "*")) {
		op->set = UI_NODE;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long m = strtoull(set, &end, 10);
	if (*end || errno || m >= metrics)
		return -1;
	op->set = (size_t)m;
	return 0;
}

/* The offset just after the last complete "base F" line with F == base,
 * or -1 when there is none. */
static long long find_base(FILE *f, uint64_t base)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long long at = -1;
	rewind(f);
	while ((len = getline(&line, &cap, f)) > 0 && line[len - 1] == '\n') {
		unsigned long long b;
		char rest[8];
		if (sscanf(line, "base %16llx %7s", &b, rest) == 1 &&
		    (uint64_t)b == base)
			at = ftello(f);
	}
	free(line);
	return at;
}

void journal_replay(const char *path, uint64_t base, UiLabels *l,
		    JournalScan *scan)
{
	memset(scan, 0, sizeof(*scan));
	FILE *f = fopen(path, "r");
	if (!f) {
		scan->unsaved = ui_labels_unsaved(l);
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long no = 0;
	/* keeping: still at the "keep" lines where the replay started;
	   floor: the undo depth they leave, below which a replay from a
	   save cannot go */
	int keeping = 1;
	size_t floor = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		no++;
		if (line[len - 1] != '\n')
			break; /* cut short by a crash: never shown */
		line[len - 1] = '\0';
		if (no == 1) {
			unsigned long long b;
			if (sscanf(line, "vigil-journal 2 %16llx", &b) != 1)
				b = ~(unsigned long long)base;
			if ((uint64_t)b != base) {
				/* made over other labels, or over these
				 * when a save wrote them: from that save on */
				long long at = find_base(f, base);
				if (at < 0 || fseeko(f, (off_t)at, SEEK_SET)) {
					scan->mismatch = 1;
					break;
				}
				scan->rebased = at;
			}
			scan->good = ftello(f);
			continue;
		}
		int keep = !strncmp(line, "keep ", 5);
		keeping = keeping && keep;
		unsigned long long b;
		if ((keep && !keeping) || sscanf(line, "base %16llx", &b) == 1) {
			/* a save's own keep lines: not over these labels */
			scan->good = ftello(f);
			continue;
		}
		UiOp op;
		char note[JOURNAL_NOTE_MAX + 1];
		if (parse_line(line + (keep ? 5 : 0), l->metrics, &op, note,
			       sizeof(note)) != 0 ||
		    (keep && (op.kind == UI_OP_UNDO || op.kind == UI_OP_REDO ||
			      op.kind == UI_OP_SAVED))) {
			scan->damaged = 1;
			scan->line = no;
			break;
		}
		if (scan->rebased && op.kind == UI_OP_UNDO &&
		    labelset_undo_depth(&l->ls) <= floor) {
			/* it undid an edit made before the save, which the
			   keep lines only stand for */
			scan->past_save = 1;
			break;
		}
		int rc = ui_labels_apply(l, &op);
		if (rc < 0) {
			scan->damaged = 1;
			scan->line = no;
			break;
		}
		if (rc == 0 && scan->rebased &&
		    (op.kind == UI_OP_UNDO || op.kind == UI_OP_REDO)) {
			/* it undid an edit made before the save: the
			 * history before it is not in these labels */
			scan->past_save = 1;
			break;
		}
		scan->ops++;
		scan->good = ftello(f);
		if (keep)
			floor = labelset_undo_depth(&l->ls);
	}
	free(line);
	fclose(f);
	scan->unsaved = ui_labels_unsaved(l);
}

int journal_scan(const Journal *j, const UiLabels *cur, JournalScan *scan)
{
	memset(scan, 0, sizeof(*scan));
	if (!j->path[0] || access(j->path, R_OK) != 0)
		return -1;
	UiLabels tmp;
	if (ui_labels_init(&tmp, cur->metrics) != 0 ||
	    ui_labels_copy_original(&tmp, cur) != 0) {
		ui_labels_free(&tmp);
		return -1;
	}
	journal_replay(j->path, ui_labels_fingerprint(cur), &tmp, scan);
	ui_labels_free(&tmp);
	return 0;
}

/* write(2) all of buf, then fdatasync: 0 or errno. */
static int put_synced(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : ENOSPC;
		buf += w;
		n -= (size_t)w;
	}
	return fdatasync(fd) == 0 ? 0 : errno;
}

/* Cut j's file to size bytes when it is longer: 0 or an errno. */
static int journal_trim(Journal *j, long long size)
{
	struct stat sb;
	if (j->lock_fd < 0 || !j->path[0] || stat(j->path, &sb) != 0 ||
	    sb.st_size <= size)
		return 0;
	if (truncate(j->path, (off_t)size) != 0)
		return j->error = errno;
	return 0;
}

int journal_set_aside(const Journal *j, int move, char *out, size_t n)
{
	if (!j->path[0])
		return ENOENT;
	for (int k = 1; k < 10000; k++) {
		if (k == 1)
			snprintf(out, n, "%s.old", j->path);
		else
			snprintf(out, n, "%s.old.%d", j->path, k);
		/* link(2) never replaces: an earlier one is kept */
		if (link(j->path, out) == 0)
			return move && unlink(j->path) != 0 ? errno : 0;
		if (errno == EEXIST)
			continue;
		/* no links here (some file systems): a move to a free name */
		int e = errno;
		if (!move || access(out, F_OK) == 0)
			return e;
		return rename(j->path, out) == 0 ? 0 : errno;
	}
	return EEXIST;
}

int journal_restart(Journal *j, const JournalScan *sc, uint64_t base,
		    const char *dataset)
{
	if (j->lock_fd < 0 || !j->path[0])
		return 0;
	if (!sc->rebased)
		return journal_trim(j, sc->good);
	/* a new journal: the header over these labels, then the lines
	 * replayed from the save on, in place of the old one */
	FILE *in = fopen(j->path, "r");
	char tmp[1100];
	snprintf(tmp, sizeof(tmp), "%s.new", j->path);
	/* private, as journal_open makes it: notes are the user's words */
	int fd = in ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0600)
		    : -1;
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fd >= 0 && !out)
		close(fd);
	int e = 0;
	if (!in || !out)
		e = errno ? errno : EIO;
	if (!e && fprintf(out, "vigil-journal 2 %016" PRIx64 " %s\n", base,
			  dataset) < 0)
		e = errno ? errno : EIO;
	if (!e && fseeko(in, (off_t)sc->rebased, SEEK_SET) != 0)
		e = errno ? errno : EIO;
	for (long long left = sc->good - sc->rebased; !e && left > 0;) {
		char buf[4096];
		size_t want = left < (long long)sizeof(buf) ? (size_t)left
							     : sizeof(buf);
		size_t got = fread(buf, 1, want, in);
		if (got == 0 || fwrite(buf, 1, got, out) != got)
			e = errno ? errno : EIO;
		left -= (long long)got;
	}
	if (!e && (fflush(out) != 0 || fdatasync(fileno(out)) != 0))
		e = errno ? errno : EIO;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0 && !e)
		e = errno ? errno : EIO;
	/* the lines it held before the save are kept aside, linked as .old
	   (not renamed: between two renames there was no journal, and a
	   crash there lost every edit since the save), beside any earlier
	   one; the new one takes its place in one rename. Where no link can
	   be made, no .old. */
	char old[1100];
	if (!e) {
		if (journal_set_aside(j, 0, old, sizeof(old)) != 0) {
			/* best effort: the journal is what matters */
		}
		if (rename(tmp, j->path) != 0)
			e = errno ? errno : EIO;
	}
	if (e) {
		unlink(tmp);
		return j->error = e;
	}
	return 0;
}

/* The lines of journal_append_base, grown as they come. */
typedef struct {
	char *buf; /* owned */
	size_t len, cap;
} Lines;

static int add_line(Lines *b, const char *prefix, const char *line)
{
	size_t need = b->len + strlen(prefix) + strlen(line) + 1;
	if (need > b->cap) {
		size_t cap = need * 2;
		char *p = realloc(b->buf, cap);
		if (!p)
			return -1;
		b->buf = p;
		b->cap = cap;
	}
	b->len += (size_t)sprintf(b->buf + b->len, "%s%s", prefix, line);
	return 0;
}

static int keep_line(const UiOp *op, void *ctx)
{
	char line[2 * JOURNAL_NOTE_MAX + 96];
	journal_format(op, line, sizeof(line));
	return add_line(ctx, "keep ", line);
}

int journal_append_base(Journal *j, uint64_t base, UiLabels *back,
			const UiLabels *now, unsigned held)
{
	if (j->fd < 0)
		return j->error;
	Lines b = {NULL, 0, 0};
	char line[40];
	snprintf(line, sizeof(line), "base %016" PRIx64 "\n", base);
	int bad = add_line(&b, "", line);
	for (size_t m = 0; back && now && m <= now->metrics && !bad; m++) {
		size_t set = m == now->metrics ? UI_NODE : m;
		if (held & (set == UI_NODE ? UI_SAVED_NODE : UI_SAVED_METRICS))
			continue;
		bad = ui_labels_converge(back, set, now, keep_line, &b);
	}
	/* without the keep lines (no memory) the base line still goes:
	   the edits after the save are recovered, those before are not */
	int e = put_synced(j->fd, b.buf ? b.buf : line,
			   b.buf && !bad ? b.len : strlen(line));
	free(b.buf);
	j->error = e;
	return e;
}


int journal_open(Journal *j, int keep, uint64_t base, const char *dataset)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (j->lock_fd < 0 || !j->path[0])
		return 0;
	int fd = open(j->path,
		      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
			      (keep ? 0 : O_TRUNC),
		      0600);
	if (fd < 0)
		return j->error = errno;
	struct stat sb;
	if (fstat(fd, &sb) == 0 && sb.st_size == 0) {
		char head[1200];
		int n = snprintf(head, sizeof(head),
				 "vigil-journal 2 %016" PRIx64 " %s\n", base,
				 dataset);
		int e = put_synced(fd, head, (size_t)n);
		if (e) {
			close(fd);
			return j->error = e;
		}
	}
	j->fd = fd;
	j->error = 0;
	return 0;
}

int journal_append(Journal *j, const UiOp *op)
{
	if (j->fd < 0)
		return j->error; /* 0 unless the journal could not be made */
	char line[2 * JOURNAL_NOTE_MAX + 96];
	journal_format(op, line, sizeof(line));
	int e = put_synced(j->fd, line, strlen(line));
	j->error = e;
	return e;
}

void journal_close(Journal *j, int remove, int release)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (remove && j->lock_fd >= 0 && j->path[0])
		unlink(j->path);
	if (release && j->lock_fd >= 0) {
		close(j->lock_fd);
		j->lock_fd = -1;
	}
}
