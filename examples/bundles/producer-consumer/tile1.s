; Tile 1 control unit: send the ready token, receive both rounds for two readers each.
        send 100, 0, 1, 1
        receive 0, 0, 8, 2, 1       ; round 1 -> words 0..8, two reads
        receive 8, 0, 8, 2, 1       ; round 2 -> words 8..16, two reads
        halt
