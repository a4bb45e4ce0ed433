// The costs panel's script (written below).
