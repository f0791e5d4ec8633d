/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version-compare.h - order version strings as the UAPI Version Format
 * Specification says (the order systemd-boot sorts Boot Loader
 * Specification entries by, and the one the kernel scan uses for "newest
 * first").
 *
 * Summary of the order: digits compare as numbers (leading zeros ignored),
 * letters as ASCII ("B" < "a"); "~" starts a suffix that sorts lower than
 * anything, even the end of the string ("1~rc1" < "1"); the end of a string
 * sorts lower than anything else that is left ("1" < "1.0", "1" < "1^p");
 * then "-" < "^" < "." < digits and letters.  Other characters ("_", "+",
 * non-ASCII) are skipped, so they only separate components: "1_2" > "1.2"
 * because after the skipped "_" the digit "2" meets the "." of "1.2".
 *
 * One deliberate detail: where one string has a numeric component and the
 * other a non-numeric one at the same place ("a" vs "0"), the numeric one is
 * higher.  This is what systemd's strverscmp_improved() does and what its
 * test suite (shared by other implementations) requires; a literal reading
 * of the specification's "an empty prefix evaluates as 0" would call
 * "0" lower than "a".
 */
#ifndef KBOOT_VERSION_COMPARE_H
#define KBOOT_VERSION_COMPARE_H

/*
 * <0 when a is older than b, 0 when they are equal in this order, >0 when a
 * is newer.  NULL compares like "".
 */
int kb_version_compare(const char *a, const char *b);

#endif
