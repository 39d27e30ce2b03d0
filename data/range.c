/* Criticality names. */
#include "data/range.h"

#include <string.h>

const char *crit_name(Criticality c)
{
	switch (c) {
	case CRIT_LOW:
		return "low";
	case CRIT_MEDIUM:
		return "medium";
	case CRIT_HIGH:
		return "high";
	}
	return NULL;
}

int crit_parse(const char *text, Criticality *out)
{
	static const Criticality all[] = {CRIT_LOW, CRIT_MEDIUM, CRIT_HIGH};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(text, crit_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}
