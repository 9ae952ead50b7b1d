; One SGD step of a 16-12-6 MLP: h = relu(W1^T x), p = softmax(W2^T h),
; loss = -log p[target]; W2 -= lr h (p - y)^T; W1 -= lr x (relu'(z1) * W2 (p - y))^T.
.equ IN,  16
.equ HID, 12
.equ OUT, 6
.equ NEG_LR, -0.5

; XbarIn / XbarOut slots: (3p + t) * 128, t = 0 MVM, 1 MTVM, 2 OPA (docs/isa.md)
.equ IN0_MVM,   0
.equ IN0_OPA,   256
.equ IN1_MVM,   384
.equ IN1_MTVM,  512
.equ IN1_OPA,   640
.equ OUT0_MVM,  768
.equ OUT0_OPA,  1024
.equ OUT1_MVM,  1152
.equ OUT1_MTVM, 1280
.equ OUT1_OPA,  1408

; general registers
.equ PTR, 1536          ; shared-memory address
.equ M,   1537          ; max of the logits
.equ S,   1538          ; sum of exponentials, then its reciprocal
.equ T,   1600          ; logits - max
.equ E,   1616          ; exp(logits - max)
.equ P,   1632          ; softmax
.equ Y,   1648          ; one-hot target
.equ G,   1664          ; dL/dz2 = p - y
.equ D,   1680          ; relu'(z1)
.equ D1,  1696          ; dL/dz1

        set PTR, 0, 1
        ld IN0_MVM, PTR, IN, 1          ; x -> MCU 0 MVM input
        set PTR, 16, 1
        ld Y, PTR, OUT, 1
        train 100, 000                  ; z1 = W1^T x
        alu relu, IN1_MVM, OUT0_MVM, HID
        train 000, 100                  ; z2 = W2^T h
        alu redmax, M, OUT1_MVM, OUT    ; softmax, stable form
        alu bsub, T, OUT1_MVM, M, OUT
        alu exp, E, T, OUT
        alu redsum, S, E, OUT           ; 1 <= S <= OUT < 8 fits Q4.12
        alu recip, S, S, 1
        alu bmul, P, E, S, OUT
        alu sub, G, P, Y, OUT
        cp IN1_MTVM, G, OUT
        train 000, 010                  ; W2 g (before the update)
        alu relud, D, OUT0_MVM, HID
        alu mul, D1, OUT1_MTVM, D, HID
        cp IN1_OPA, IN1_MVM, HID        ; OPA rows: h
        alui mul, OUT1_OPA, G, NEG_LR, OUT   ; OPA columns: -lr g
        cp IN0_OPA, IN0_MVM, IN         ; OPA rows: x
        alui mul, OUT0_OPA, D1, NEG_LR, HID  ; OPA columns: -lr dL/dz1
        train 001, 001                  ; both updates
        crs 1, 1
        set PTR, 32, 1
        st PTR, P, 1, OUT, 1            ; softmax out, one reader
        hlt
