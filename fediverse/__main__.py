from fediverse.cli import main

main()
