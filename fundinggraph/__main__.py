from fundinggraph.cli import main

raise SystemExit(main())
