"""A development-only encryption key, kept in .data/ so a DEBUG demo works without setup."""

from pathlib import Path

from cryptography.fernet import Fernet


def development_encryption_key(data_dir: Path) -> str:
    data_dir.mkdir(exist_ok=True)
    key_file = data_dir / "field_encryption.key"
    if not key_file.exists():
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()
