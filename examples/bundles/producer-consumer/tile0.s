; Tile 0 control unit: wait for tile 1's ready token, then send both rounds.
        receive 200, 1, 1, 0, 1     ; token from tile 1 into word 200
        send 0, 1, 8, 1             ; round 1 (waits until valid, consumes it)
        send 0, 1, 8, 1             ; round 2
        halt
