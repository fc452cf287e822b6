# Writes the contents of INPUT to OUTPUT as a C++ raw string literal.
file(READ ${INPUT} content)
file(WRITE ${OUTPUT} "R\"lowbit_embedded(${content})lowbit_embedded\"\n")
