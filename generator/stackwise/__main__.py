from stackwise.cli import main

main()
