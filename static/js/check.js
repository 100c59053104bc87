/* Is this happening to me?: help for each yes, answers kept nowhere. (being written) */
