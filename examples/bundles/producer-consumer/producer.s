; Producer: two rounds of V += STEP, each stored to shared memory 0..8 for one reader.
.equ PTR,  1536         ; shared-memory address register
.equ I,    1537         ; round counter
.equ ONE,  1538
.equ TWO,  1539
.equ V,    1600
.equ STEP, 1616
.equ N,    8

        set PTR, 0, 1
        set I, 0, 1
        set ONE, 1, 1
        set TWO, 2, 1
loop:   alu add, V, V, STEP, N
        st PTR, V, 1, N, 1          ; waits until the previous round has been sent
        alu_int add, I, I, ONE
        beq I, TWO, done
        jmp loop
done:   hlt
