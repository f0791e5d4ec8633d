kernel vmlinuz-6.1.0.sig
