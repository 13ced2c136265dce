# Unified models (issue 20): Schemas/models/*.json are the source; the compiler embeds their text.
#   make unified-models  rewrite Sources/ConnectorCompilerCore/Model/UnifiedModelFiles.swift from the
#                        model files (UnifiedModelTests fails while the copy is stale)

.PHONY: unified-models

unified-models:
	python3 mk/embed_unified_models.py
