# dormant: turns the rule catalog (rules/*/*.json, given as arguments) into
# core/report/rules_data.c, so that the program carries its catalog and needs no
# data directory, installed or not. Run with LC_ALL=C: bytes pass through
# one by one, UTF-8 included.
#
#   awk -f rules/embed.awk rules/RULE/PROVIDER.json ... >core/report/rules_data.c
BEGIN {
	print "/* Generated from rules/ by rules/embed.awk: do not edit. */"
	print "#include \"config.h\""
	print ""
	print "#include \"rules.h\""
	print ""
	print "const struct core_rule_source core_rule_sources[] = {"
	current = ""
}

FNR == 1 {
	if (current != "")
		print "\t},"
	current = FILENAME
	name = FILENAME
	# The name below rules/, whatever the source directory is.
	sub(/^.*rules\//, "", name)
	printf "\t{\"%s\",\n", name
}

{
	out = ""
	n = length($0)
	for (i = 1; i <= n; i++) {
		c = substr($0, i, 1)
		if (c == "\\")
			out = out "\\\\"
		else if (c == "\"")
			out = out "\\\""
		else if (c == "?")
			out = out "\\?"   # no trigraphs under -std=c11
		else if (c == "\t")
			out = out "\\t"
		else
			out = out c
	}
	printf "\t \"%s\\n\"\n", out
}

END {
	if (current != "")
		print "\t},"
	print "\t{0, 0},"
	print "};"
}
