//! The `record!` macro that declares each record type.

/// Declares a record type: its shared fields sit in `meta` in Rust and at the top level
/// of its JSON. It is decoded through a flat twin holding every field (`$wire`), since
/// serde's `flatten` buffers each record's fields before reading them (a third slower
/// to decode); it is encoded with `flatten`, which writes the same JSON.
macro_rules! record {
    (
        $(#[$attr:meta])*
        pub struct $name:ident via $wire:ident = $wire_name:literal {
            $( $(#[$fattr:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(from = $wire_name)]
        pub struct $name {
            #[serde(flatten)]
            pub meta: Meta,
            $( $(#[$fattr])* pub $field: $ty, )*
        }

        #[derive(Deserialize)]
        struct $wire {
            id: Id,
            created: DateTime<Utc>,
            updated: DateTime<Utc>,
            by: String,
            #[serde(default)]
            tags: Vec<String>,
            $( $(#[$fattr])* $field: $ty, )*
        }

        impl From<$wire> for $name {
            fn from(w: $wire) -> $name {
                $name {
                    meta: Meta {
                        id: w.id,
                        created: w.created,
                        updated: w.updated,
                        by: w.by,
                        tags: w.tags,
                    },
                    $( $field: w.$field, )*
                }
            }
        }
    };
}
