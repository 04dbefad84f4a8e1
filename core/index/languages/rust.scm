; Rust: functions, impl methods (the impl's type as @scope), structs, enums, unions, traits
; (with their method signatures and default bodies), type aliases, inline modules, calls,
; supertraits, `use` / `mod x;` / `extern crate` imports.

; Functions directly in a file, module, trait or block; impl methods (below) carry a scope.
(source_file (function_item name: (identifier) @name) @definition.function)
(mod_item body: (declaration_list (function_item name: (identifier) @name) @definition.function))
(trait_item body: (declaration_list (function_item name: (identifier) @name) @definition.function))
(block (function_item name: (identifier) @name) @definition.function)
(trait_item body: (declaration_list (function_signature_item name: (identifier) @name) @definition.function))

; The impl's type, also behind `&` / `dyn`: `impl Display for &mut Vec<T>` -> Vec. Methods of
; impls for slices, tuples, `dyn A + B` or fn types are left out.
(impl_item
  type: [(type_identifier) @scope
         (primitive_type) @scope
         (generic_type type: (type_identifier) @scope)
         (scoped_type_identifier name: (type_identifier) @scope)
         (generic_type type: (scoped_type_identifier name: (type_identifier) @scope))
         (reference_type type: [(type_identifier) @scope
                                (primitive_type) @scope
                                (generic_type type: (type_identifier) @scope)
                                (scoped_type_identifier name: (type_identifier) @scope)
                                (generic_type type: (scoped_type_identifier name: (type_identifier) @scope))])
         (dynamic_type trait: [(type_identifier) @scope
                               (generic_type type: (type_identifier) @scope)
                               (scoped_type_identifier name: (type_identifier) @scope)])
         (reference_type type: (dynamic_type trait: [(type_identifier) @scope
                                                     (generic_type type: (type_identifier) @scope)
                                                     (scoped_type_identifier name: (type_identifier) @scope)]))]
  body: (declaration_list (function_item name: (identifier) @name) @definition.function))

(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(union_item name: (type_identifier) @name) @definition.union
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name body: (declaration_list)) @definition.module

(call_expression function: [(identifier) @call.name
                            (field_expression field: (field_identifier) @call.name)
                            (scoped_identifier name: (identifier) @call.name)
                            (generic_function function: [(identifier) @call.name
                                                         (field_expression field: (field_identifier) @call.name)
                                                         (scoped_identifier name: (identifier) @call.name)])])

; Macro arguments are token trees: a name right before a `( ... )` tree is a call (`assert!(f(x))`).
(token_tree (identifier) @call.name . (token_tree . "("))

(trait_item bounds: (trait_bounds [(type_identifier) @inherit.name
                                   (scoped_type_identifier name: (type_identifier) @inherit.name)
                                   (generic_type type: (type_identifier) @inherit.name)]))

; `use a::b::C` binds C from a::b; `use a::{B, c::D as E}` binds B and E from a.
(use_declaration argument: (identifier) @import.source)
(use_declaration argument: (scoped_identifier path: (_) @import.source name: (identifier) @import.name))
(use_declaration argument: (use_as_clause path: (scoped_identifier path: (_) @import.source) alias: (identifier) @import.name))
(use_declaration argument: (use_as_clause path: (identifier) @import.source alias: (identifier) @import.name))
(use_declaration argument: (use_wildcard . (_) @import.source))
(scoped_use_list path: (_) @import.source list: (use_list [(identifier) @import.name
                                                           (scoped_identifier name: (identifier) @import.name)
                                                           (use_as_clause alias: (identifier) @import.name)]))
(mod_item name: (identifier) @import.source !body)
(extern_crate_declaration name: (identifier) @import.source)

; rustfmt adds and removes the braces of a match arm's or a closure's body that is one expression
; (`A => x,` / `A => { x }`, `|a| f(a)` / `|a| { f(a) }`, also `A => match y { … },` / `A => { match
; y { … } }`, where the block holds a statement of the expression alone, without `;`): such a block
; is hashed as its expression.
(match_arm value: (block . (_expression) .) @group)
(match_arm value: (block "{" @skip . (_expression) . "}" @skip))
(closure_expression body: (block . (_expression) .) @group)
(closure_expression body: (block "{" @skip . (_expression) . "}" @skip))
(match_arm value: (block . (expression_statement . (_) .) @_s .) @group (#not-match? @_s ";$"))
(match_arm value: (block . (expression_statement . (_) .) @group .) (#not-match? @group ";$"))
(match_arm value: (block "{" @skip . (expression_statement . (_) .) @_s . "}" @skip)
  (#not-match? @_s ";$"))
(closure_expression body: (block . (expression_statement . (_) .) @_s .) @group (#not-match? @_s ";$"))
(closure_expression body: (block . (expression_statement . (_) .) @group .) (#not-match? @group ";$"))
(closure_expression body: (block "{" @skip . (expression_statement . (_) .) @_s . "}" @skip)
  (#not-match? @_s ";$"))
