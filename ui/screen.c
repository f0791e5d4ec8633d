// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen.c - the stack of screens in front of each other (ui-private.h).
 *
 * The menu lies at the bottom; a screen opened from another (the edit
 * screen from the menu, help from the edit screen) goes on top, and
 * closing it shows the one below again with its state as it was.  The
 * main loop (ui.c) draws the screen on top and gives it the keys; what the
 * model changed goes to every screen on the stack, since one under help
 * may have to follow it too (the wizard's interface comes up).
 *
 * Not here: any screen by name.  This file only calls through the
 * operations it is given, so screens may push each other without a circle.
 */
#include <errno.h>
#include <string.h>

#include "ui-private.h"

int ui_screen_push(struct ui *u, const struct ui_screen_ops *s, const void *arg)
{
	int ret;

	if (u->nstack == UI_STACK_MAX)
		return -ENOSPC;
	ret = s->open ? s->open(u, arg) : 0;
	if (ret)
		return ret;
	u->stack[u->nstack++] = s;
	return 0;
}

void ui_screen_close(struct ui *u, const struct ui_screen_ops *s)
{
	size_t i = u->nstack;

	while (i > 0 && u->stack[i - 1] != s)
		i--;
	if (!i)
		return;
	i--;
	memmove(&u->stack[i], &u->stack[i + 1], (u->nstack - i - 1) * sizeof(u->stack[0]));
	u->nstack--;
	if (s->close)
		s->close(u);
}

void ui_screen_pop(struct ui *u)
{
	if (u->nstack)
		ui_screen_close(u, u->stack[u->nstack - 1]);
}

int ui_screen_replace(struct ui *u, const struct ui_screen_ops *s, const void *arg)
{
	ui_screen_pop(u);
	return ui_screen_push(u, s, arg);
}

const struct ui_screen_ops *ui_screen_top(const struct ui *u)
{
	return u->nstack ? u->stack[u->nstack - 1] : NULL;
}

bool ui_screen_on_stack(const struct ui *u, const struct ui_screen_ops *s)
{
	size_t i;

	for (i = 0; i < u->nstack; i++)
		if (u->stack[i] == s)
			return true;
	return false;
}

void ui_screen_changed(struct ui *u)
{
	const struct ui_screen_ops *s[UI_STACK_MAX];
	unsigned int what = u->changed;
	size_t i, n = u->nstack;

	u->changed = 0;
	if (!what)
		return;
	/* A screen may close itself on the news: walk a copy. */
	memcpy(s, u->stack, n * sizeof(s[0]));
	for (i = 0; i < n; i++)
		if (s[i]->changed && ui_screen_on_stack(u, s[i]))
			s[i]->changed(u, what);
}
