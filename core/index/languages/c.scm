; C: function definitions, structs / unions / enums with a body (a typedef names an anonymous
; one), plain typedefs, calls, #include.

; The name sits under the declarator, possibly behind pointers: `char **name(void)`.
(function_definition
  declarator: [(function_declarator declarator: (identifier) @name)
               (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))
               (pointer_declarator declarator: (pointer_declarator
                 declarator: (function_declarator declarator: (identifier) @name)))]) @definition.function

(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.union
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition type: (struct_specifier !name body: (_)) @definition.struct declarator: (type_identifier) @name)
(type_definition type: (union_specifier !name body: (_)) @definition.union declarator: (type_identifier) @name)
(type_definition type: (enum_specifier !name body: (_)) @definition.enum declarator: (type_identifier) @name)

; `typedef unsigned long size_t;`, `typedef int (*cmp_fn)(int, int);`
(type_definition
  type: [(primitive_type) (sized_type_specifier) (type_identifier)]
  declarator: [(type_identifier) @name
               (function_declarator declarator: (parenthesized_declarator (pointer_declarator declarator: (type_identifier) @name)))]) @definition.type

(call_expression function: [(identifier) @call.name
                            (field_expression field: (field_identifier) @call.name)])

(preproc_include path: (_) @import.source)
