; inherits: typescript, jsx
; TSX: the TypeScript query plus JSX components as calls.
