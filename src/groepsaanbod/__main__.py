from groepsaanbod.cli import main

main()
