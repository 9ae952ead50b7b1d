; Consumer: load both rounds (waits until valid) and add them.
.equ PTR, 1536
.equ X,   1600          ; round 1 at X, round 2 at X + 8
.equ SUM, 1632
        set PTR, 0, 1
        ld X, PTR, 8, 2
        alu add, SUM, X, X+8, 8
        hlt
