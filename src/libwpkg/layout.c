/* layout.c - placeholder until its owner lands it. */
typedef int wpkg_placeholder_layout;
